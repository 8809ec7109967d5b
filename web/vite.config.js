import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const ICONS = '@element-plus/icons-vue'

// @element-plus/icons-vue is one module of 293 icons: tree-shaking keeps the used ones, but all
// in one chunk, which the menu's icons put into the first load of every page, the login page
// included. This serves each icon as a module of its own (cut from the package's dist/index.js
// at its "// src/components/<file>.vue" markers), behind a barrel of re-exports, so each
// icon goes into the chunk of the pages that use it (#13 item 7).
function splitIcons() {
  let icons // file name → { code, local }, and export name → file name
  function parse() {
    const require = createRequire(import.meta.url)
    const text = readFileSync(require.resolve(ICONS).replace(/index\.cjs$/, 'index.js'), 'utf8')
    const [body, exportList] = text.split(/^export \{$/m)
    const files = new Map()
    for (const part of body.split(/^\/\/ src\/components\/(?=[\w-]+\.vue$)/m).slice(1)) {
      const file = part.slice(0, part.indexOf('.vue'))
      const local = /(\w+_default) = _sfc_main\d*;/.exec(part)[1]
      files.set(file, { code: part.slice(part.indexOf('\n') + 1), local })
    }
    const byLocal = new Map([...files].map(([file, f]) => [f.local, file]))
    const names = [...exportList.matchAll(/(\w+) as (\w+)/g)]
      .map(([, local, name]) => [name, byLocal.get(local)])
    return { files, names }
  }
  return {
    name: 'houqin-split-icons',
    enforce: 'pre',
    resolveId(id) {
      if (id === ICONS) return '\0icons'
      return id.startsWith('\0icon:') ? id : null
    },
    load(id) {
      if (id !== '\0icons' && !id.startsWith('\0icon:')) return null
      icons ||= parse()
      if (id === '\0icons') {
        const code = icons.names.map(([name, file]) => `export { default as ${name} } from '\\0icon:${file}'`)
        return { code: code.join('\n'), moduleSideEffects: false }
      }
      const icon = icons.files.get(id.slice('\0icon:'.length))
      return { code: `${icon.code}\nexport default ${icon.local}\n`, moduleSideEffects: false }
    },
  }
}

// Built into dist/ and served by the C server from the same origin as /api/v1.
// Templates are compiled here, so the page needs no eval under the server's CSP.
export default defineConfig({
  base: '/',
  plugins: [
    splitIcons(),
    vue(),
    // Element Plus on demand (#13 item 7): each <el-*> tag and v-loading in a template imports
    // its component and its CSS into the chunk that uses it. Only Element Plus: our own
    // components stay explicitly imported (dirs: []), and no components.d.ts is written.
    Components({ resolvers: [ElementPlusResolver()], dirs: [], dts: false }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // dist/.vite/manifest.json: tools/bundle-budget.mjs reads the chunk graph from it (#13 item 7)
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](vue|@vue|vue-router)[\\/]/, priority: 2 },
          ],
        },
      },
    },
  },
})
