// Browser test of the first-load budget (#13 item 7): what Chromium really fetches, not the
// manifest arithmetic of tools/bundle-budget.mjs (which the build runs), held to the same
// budgets: the login page, and as an office user the home page, 报修工单 (the queue) and
// 报修统计 (ECharts), each opened as the first page of a fresh browser context (empty cache).
// A script's size is what came over the wire when the server gzipped it (Content-Encoding),
// else its body gzipped here at the server's level (6).
//
// Before it (through the API, fixtures.mjs): a department and an office user.
//
//   tests/e2e/run.sh tests/e2e/bundle.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
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

// The gzipped bytes of the scripts a page fetched, one entry per URL.
function scriptRecorder(page) {
  const sizes = new Map()
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (!url.pathname.endsWith('.js') || sizes.has(url.pathname)) return
    sizes.set(url.pathname, wireSize(response))
  })
  return async () => {
    const entries = await Promise.all([...sizes].map(async ([path, size]) => [path, await size]))
    return { files: entries.length, bytes: entries.reduce((sum, [, n]) => sum + n, 0) }
  }
}

async function wireSize(response) {
  const body = await response.body()
  if (response.headers()['content-encoding'] !== 'gzip') return gzipSync(body).length
  return (await response.request().sizes()).responseBodySize
}

// Opens path as the first page of a fresh context and waits for ready (a selector);
// returns the scripts' total. The page must have met no error meanwhile.
async function firstLoad(path, ready, contextOptions = {}) {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: path, ...contextOptions })
  try {
    const total = scriptRecorder(page)
    await page.goto(`${BASE}${path}`)
    await page.locator(ready).first().waitFor()
    await page.waitForLoadState('load')
    const result = await total()
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
    ['/workorders/stats', `${$('stats-chart-month')} canvas`, 'src/modules/workorders/StatsPage.vue'],
  ]
  for (const [path, ready, src] of pages) {
    assertBudget(t, path, src, await firstLoad(path, ready, { storageState: signedIn }))
  }
})
