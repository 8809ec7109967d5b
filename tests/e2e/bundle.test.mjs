// Browser test of the first-load budget (#13 item 7): what Chromium really fetches, not the
// manifest arithmetic of tools/bundle-budget.mjs (which the build runs), held to the same
// budgets: the login page, and as an office user the home page, 报修工单 (the queue) and
// 报修统计, each opened as the first page of a fresh browser context (empty cache). 报修统计
// fetches ECharts (modules/workorders/echarts.js, its own chunk) once it is up: that chunk is
// counted apart from the page's first load, held to the page budget on its own, and the charts
// must still draw.
// A script's size is what came over the wire when the server gzipped it (Content-Encoding),
// else its body gzipped here at the server's level (6).
//
// Before it (through the API, fixtures.mjs): a department and an office user.
//
//   tests/e2e/run.sh tests/e2e/bundle.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { budgetOf } from '../../tools/bundle-budget.mjs'
import { department, person } from './fixtures.mjs'
import { $, BASE, login, openPage, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
let office
let signedIn // the office user's cookies, for fresh contexts

before(async () => {
  const dept = await department('后勤服务中心')
  office = await person('bundle_office', { name: '王建国', dept, roles: ['office', 'staff'] })
})

// The built file of a source that a page imports lazily (web/dist/.vite/manifest.json).
function builtFile(src) {
  const manifest = JSON.parse(readFileSync(new URL('../../web/dist/.vite/manifest.json', import.meta.url), 'utf8'))
  assert.ok(manifest[src], `${src} is not a chunk of its own in the build`)
  return `/${manifest[src].file}`
}

// The gzipped bytes of the scripts a page fetched, one entry per URL; the deferred ones
// (paths) apart.
function scriptRecorder(page) {
  const sizes = new Map()
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (!url.pathname.endsWith('.js') || sizes.has(url.pathname)) return
    sizes.set(url.pathname, wireSize(response))
  })
  return async (deferred = []) => {
    const entries = await Promise.all([...sizes].map(async ([path, size]) => [path, await size]))
    const sum = (list) => ({ files: list.length, bytes: list.reduce((total, [, n]) => total + n, 0) })
    const later = ([path]) => deferred.includes(path)
    return { ...sum(entries.filter((e) => !later(e))), deferred: sum(entries.filter(later)) }
  }
}

async function wireSize(response) {
  const body = await response.body()
  if (response.headers()['content-encoding'] !== 'gzip') return gzipSync(body).length
  return (await response.request().sizes()).responseBodySize
}

// Opens path as the first page of a fresh context and waits for ready (a selector);
// returns the scripts' total. The page must have met no error meanwhile.
async function firstLoad(path, ready, contextOptions = {}, deferred = []) {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: path, ...contextOptions })
  try {
    const total = scriptRecorder(page)
    await page.goto(`${BASE}${path}`)
    await page.locator(ready).first().waitFor()
    await page.waitForLoadState('load')
    const result = await total(deferred)
    assert.deepEqual(problems, [])
    return result
  } finally {
    await context.close()
  }
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`

function assertBudget(t, what, src, { files, bytes }) {
  t.diagnostic(`${what}: ${kb(bytes)} gzipped JS in ${files} files (budget ${kb(budgetOf(src))})`)
  assert.ok(files > 0, `${what}: no script fetched`)
  assert.ok(bytes <= budgetOf(src), `${what}: ${kb(bytes)} of JS, over its budget of ${kb(budgetOf(src))}`)
}

test('the login page loads under its budget', async (t) => {
  const load = await firstLoad('/login', $('login-submit'))
  assertBudget(t, '/login', 'src/pages/login/LoginPage.vue', load)
})

test("the office user's home, queue and 报修统计 load under their budgets", async (t) => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'sign-in' })
  await login(page, office.username)
  signedIn = await context.storageState()
  assert.deepEqual(problems, [])
  await context.close()

  const pages = [
    ['/', $('home-welcome'), 'src/pages/home/HomePage.vue'],
    ['/workorders/queue', $('wo-refresh'), 'src/modules/workorders/OrderListPage.vue'],
  ]
  for (const [path, ready, src] of pages) {
    assertBudget(t, path, src, await firstLoad(path, ready, { storageState: signedIn }))
  }
  // 报修统计 is ready when its charts have drawn, ECharts included; that chunk is counted apart
  const charts = builtFile('src/modules/workorders/echarts.js')
  const stats = '/workorders/stats'
  const load = await firstLoad(stats, `${$('stats-chart-month')} canvas`, { storageState: signedIn }, [charts])
  assertBudget(t, stats, 'src/modules/workorders/StatsPage.vue', load)
  assert.equal(load.deferred.files, 1, `${stats}: ECharts came as one deferred chunk`)
  assertBudget(t, `${stats} (ECharts, after the page)`, 'src/modules/workorders/echarts.js', load.deferred)
})
