// The web modules (web/src/modules/<d>/, listed in web/src/modules/index.js) are complete
// and consistent: both languages have the same message keys, every menu entry opens a route
// that exists, lets in the same roles and has its label in both languages. Plain node, no
// browser and no server: the module files import no page at load (pages are lazy imports),
// so they load as they are; bare imports (@element-plus/icons-vue) resolve from
// web/node_modules (cd web && npm ci).
//
//   node --test tests/e2e/web_modules.test.mjs
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { modules } from '../../web/src/modules/index.js'
import { buildMenu } from '../../web/src/menu.js'
import { mergeCatalogue } from '../../web/src/i18n/merge.js'
import sharedZhCN from '../../web/src/i18n/zh-CN.js'
import sharedEn from '../../web/src/i18n/en.js'

const MODULES_DIR = fileURLToPath(new URL('../../web/src/modules/', import.meta.url))
const LANGS = ['zh-CN', 'en']
// The shell's own pages (web/src/router.js), which module menus may not claim.
const SHELL_ROUTES = ['login', 'home', 'password', 'tokens']

// Every dotted key of a message tree: 'wo.status.submitted', …
function keysOf(tree, prefix = '') {
  const out = []
  for (const [key, value] of Object.entries(tree)) {
    const dotted = prefix ? `${prefix}.${key}` : key
    if (value && typeof value === 'object') out.push(...keysOf(value, dotted))
    else out.push(dotted)
  }
  return out
}

function lookup(tree, dotted) {
  return dotted.split('.').reduce((node, part) => node?.[part], tree)
}

// A module's menu entries, groups' children included.
function entriesOf(menu) {
  return menu.flatMap((entry) => [entry, ...(entry.children || [])])
}

const routes = modules.flatMap((mod) => mod.routes.map((route) => ({ mod: mod.name, route })))

test('every module folder is in the list once, with its parts', () => {
  const folders = readdirSync(MODULES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
  const names = modules.map((m) => m.name)
  assert.deepEqual([...names].sort(), [...folders].sort(), 'web/src/modules/index.js lists each folder, by its name')
  for (const mod of modules) {
    assert.ok(Array.isArray(mod.routes) && mod.routes.length, `${mod.name}: routes`)
    assert.ok(Array.isArray(mod.menu), `${mod.name}: menu`)
    assert.deepEqual(Object.keys(mod.messages).sort(), [...LANGS].sort(), `${mod.name}: messages per language`)
  }
})

test("each module's zh-CN and en messages have the same keys", () => {
  for (const mod of modules) {
    const zh = new Set(keysOf(mod.messages['zh-CN']))
    const en = new Set(keysOf(mod.messages.en))
    assert.deepEqual(
      [...zh].filter((k) => !en.has(k)),
      [],
      `${mod.name}: in zh-CN but not in en`,
    )
    assert.deepEqual(
      [...en].filter((k) => !zh.has(k)),
      [],
      `${mod.name}: in en but not in zh-CN`,
    )
    for (const lang of LANGS) {
      for (const key of zh) {
        const text = lookup(mod.messages[lang], key)
        assert.ok(typeof text === 'string' && text.trim(), `${mod.name}: ${lang} ${key} is empty`)
      }
    }
  }
})

test('the shared catalogues have the same keys and no module redefines a shared or another module\'s key', () => {
  assert.deepEqual(keysOf(sharedEn).sort(), keysOf(sharedZhCN).sort(), 'web/src/i18n/zh-CN.js and en.js')
  const zh = mergeCatalogue('zh-CN', sharedZhCN, modules) // throws on a clash
  const en = mergeCatalogue('en', sharedEn, modules)
  assert.deepEqual(keysOf(en).sort(), keysOf(zh).sort())
})

test('route names are unique, pages exist, roles are lists', () => {
  const seen = new Map(SHELL_ROUTES.map((name) => [name, 'the shell']))
  for (const { mod, route } of routes) {
    assert.ok(route.name, `${mod}: route ${route.path} has a name`)
    assert.ok(!seen.has(route.name), `route name ${route.name} in ${mod} and ${seen.get(route.name)}`)
    seen.set(route.name, mod)
    assert.ok(!route.path.startsWith('/'), `${mod}: ${route.path} is relative to the layout`)
    if (route.meta?.roles !== undefined) assert.ok(Array.isArray(route.meta.roles), `${mod}: ${route.name} meta.roles`)
    // component: () => import('./Page.vue'), a lazy import of a file in the module's folder
    const page = /import\(\s*['"]\.\/([\w/.-]+\.vue)['"]\s*\)/.exec(String(route.component))
    assert.ok(page, `${mod}: ${route.name} lazily imports a page of its folder`)
    assert.ok(existsSync(`${MODULES_DIR}${mod}/${page[1]}`), `${mod}: ${page[1]} exists`)
  }
})

test('every menu entry opens an existing route with the same roles and has a label in both languages', () => {
  const byPath = new Map(routes.map(({ route }) => [`/${route.path}`, route]))
  for (const mod of modules) {
    for (const entry of entriesOf(mod.menu)) {
      const where = `${mod.name}: menu entry ${entry.key}`
      assert.ok(entry.key && entry.icon, `${where}: key and icon`)
      for (const lang of LANGS) {
        const label = lookup(mod.messages[lang], `menu.${entry.key}`)
        assert.ok(typeof label === 'string' && label.trim(), `${where}: ${lang} label menu.${entry.key}`)
      }
      if (entry.children) {
        assert.ok(entry.children.length && !entry.path, `${where}: a group has children and no path`)
        assert.ok(!entry.group, `${where}: a group cannot join another group`)
        continue
      }
      assert.ok(Array.isArray(entry.roles), `${where}: roles`)
      const route = byPath.get(entry.path)
      assert.ok(route, `${where}: ${entry.path} is a route`)
      assert.deepEqual(route.meta?.roles ?? [], entry.roles, `${where}: the route lets in the roles the menu shows it to`)
    }
  }
})

test('the sidebar builds from the modules: every entry placed once', () => {
  const sidebar = buildMenu(modules) // throws on a key used twice or an unknown group
  const placed = entriesOf(sidebar).filter((e) => e.ready).map((e) => e.key)
  for (const mod of modules) {
    for (const entry of entriesOf(mod.menu)) {
      assert.equal(placed.filter((k) => k === entry.key).length, 1, `${mod.name}: ${entry.key} in the sidebar`)
    }
  }
})
