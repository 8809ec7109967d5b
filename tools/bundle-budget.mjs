#!/usr/bin/env node
// The first-load budget of the web UI (#13 item 7), checked after every `vite build`
// (web/package.json's build script runs it).
//   node tools/bundle-budget.mjs [dist]          prints the table; exit 1 over budget
//   node tools/bundle-budget.mjs [dist] --json   {login, heaviest, pages: [...]} for bench/run.sh
// A first load fetches the entry chunk and its static imports, then the route's lazy chunks
// and theirs: for /login, LoginPage.vue; for a signed-in page, the web modules (router.js loads
// src/modules/index.js with the first signed-in page), the layout (AppLayout.vue) and the page.
// The chunk graph comes from dist/.vite/manifest.json (build.manifest). Every lazy
// chunk counts as a page, so a lazy dialog is charged as if it were one: never too lenient;
// a chunk only a page imports (lazily, after it shows) is charged what it adds to that page.
// Sizes are gzip at level 6, as src/http/static.c sends them; KB = 1000 bytes, as Vite prints.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

export const LOGIN_BUDGET = 150_000
export const PAGE_BUDGET = 350_000
const LOGIN_SRC = 'src/pages/login/LoginPage.vue'
const LAYOUT_SRC = 'src/layout/AppLayout.vue'

// The budget of the page whose route component is src (tests/e2e/bundle.test.mjs asks too).
export const budgetOf = (src) => (src === LOGIN_SRC ? LOGIN_BUDGET : PAGE_BUDGET)

// The JS files a chunk pulls in before it runs: itself and its static imports, transitively.
function closure(manifest, key, files = new Set()) {
  const chunk = manifest[key]
  if (!chunk || files.has(chunk.file)) return files
  files.add(chunk.file)
  for (const imp of chunk.imports || []) closure(manifest, imp, files)
  return files
}

// One row per page: its source, the JS files its first load fetches and their gzipped bytes.
export function firstLoads(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'))
  const gz = new Map()
  const gzipped = (file) => {
    if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file))).length)
    return gz.get(file)
  }
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)
  // What every signed-in page loads besides its own chunk: the layout, and what the entry
  // imports lazily that is no route's page: the modules (a chunk shared with menu.js, so not
  // under its source's name).
  const shell = [LAYOUT_SRC, ...manifest[entry].dynamicImports.filter((k) => !manifest[k].isDynamicEntry)]
  // A page's first load: the entry, the shell (signed-in pages) and the page's chunk.
  const pageLoad = (key) => {
    const files = closure(manifest, entry)
    if (key !== LOGIN_SRC) for (const s of shell) closure(manifest, s, files)
    return closure(manifest, key, files)
  }
  // A chunk that only pages import lazily (ECharts, fetched by 报修统计 once it is up) loads
  // after its page: charged what it adds to the page that imports it, as a row of its own.
  const lazyOf = (k) => (k === entry || shell.includes(k) ? [] : manifest[k].dynamicImports || [])
  const importer = (key) => Object.keys(manifest).find((k) => lazyOf(k).includes(key))
  const rows = []
  for (const [key, chunk] of Object.entries(manifest)) {
    if (!chunk.isDynamicEntry || key === LAYOUT_SRC) continue
    const page = importer(key)
    let files = pageLoad(key)
    if (page) {
      const before = pageLoad(page)
      files = new Set([...closure(manifest, key)].filter((f) => !before.has(f)))
    }
    const js = [...files].filter((f) => f.endsWith('.js'))
    const bytes = js.reduce((sum, f) => sum + gzipped(f), 0)
    rows.push({ page: page ? `${key} (after ${page})` : key, files: js.length, bytes, budget: budgetOf(key) })
  }
  return rows.sort((a, b) => b.bytes - a.bytes)
}

const kb = (bytes) => (bytes / 1000).toFixed(1)

function check(rows) {
  const over = []
  const lines = rows.map((r) => {
    if (r.bytes > r.budget) over.push(r.page)
    const mark = r.bytes > r.budget ? '  OVER' : ''
    const cells = [kb(r.bytes).padStart(8), kb(r.budget).padStart(8), String(r.files).padStart(5)]
    return `${cells.join(' ')}  ${r.page}${mark}`
  })
  console.log('first load, gzipped JS (KB = 1000 bytes)')
  console.log(`${'KB'.padStart(8)} ${'budget'.padStart(8)} ${'files'.padStart(5)}  page`)
  for (const line of lines) console.log(line)
  return over
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const dist = args.find((a) => !a.startsWith('--')) || 'web/dist'
  const rows = firstLoads(dist)
  if (!rows.some((r) => r.page === LOGIN_SRC)) {
    console.error(`bundle-budget: ${LOGIN_SRC} is not a lazy chunk in ${dist}/.vite/manifest.json`)
    process.exit(1)
  }
  if (args.includes('--json')) {
    const login = rows.find((r) => r.page === LOGIN_SRC)
    console.log(JSON.stringify({ login, heaviest: rows.find((r) => r.page !== LOGIN_SRC), pages: rows }))
    process.exit(0)
  }
  const over = check(rows)
  if (over.length) {
    console.error(`bundle-budget: over budget: ${over.join(', ')}`)
    process.exit(1)
  }
}
