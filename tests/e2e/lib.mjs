// Shared scaffolding of the browser tests (tests/e2e/*.test.mjs). Not a test file itself:
// its name matches none of node's test patterns, so `node --test tests/e2e/` skips it.
//
// Run them with tests/e2e/run.sh (all files, or the files given: `tests/e2e/run.sh
// tests/e2e/admin.test.mjs`). It makes a fresh plain database (`houqin init`, no demo
// data), adds a secadmin with `houqin user add`, starts `houqin serve` on a free port and
// runs node --test with:
//   HOUQIN_URL                  the server's base URL, e.g. http://127.0.0.1:18080
//   HOUQIN_ADMIN_USER / _PASSWORD        the first sysadmin (admin, as `init` printed it)
//   HOUQIN_SECADMIN_USER / _PASSWORD     the secadmin (grants roles: 三员分立)
// Against a server of your own, set those four yourself. Each test file makes the data it
// needs through the API (fixtures.mjs: departments, people with roles, rules, locations,
// teams, categories, orders) under unique names (`stamp`), so a file runs alone on a fresh
// database as well as after the others on a reused one. Every person it makes has the
// password PASSWORD.
//
// Also needed: the web UI built (cd web && npm ci && npm run build); /usr/bin/chromium;
// playwright-core is imported from web/node_modules by a path relative to this file, so the
// tests run from any directory. Screenshots and PDFs go to tests/e2e/out/ (OUT).
//
// Waits: every wait has a deadline (WAIT, or the test's timeout) and waits for a condition
// the page shows; no test sleeps to let "nothing happen".
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from '../../web/node_modules/playwright-core/index.mjs'

export const BASE = (process.env.HOUQIN_URL || '').replace(/\/$/, '')
export const OUT = fileURLToPath(new URL('./out/', import.meta.url))
export const ADMIN_USER = process.env.HOUQIN_ADMIN_USER || 'admin'
export const ADMIN_PASSWORD = process.env.HOUQIN_ADMIN_PASSWORD || ''
export const SECADMIN_USER = process.env.HOUQIN_SECADMIN_USER || 'secadmin'
export const SECADMIN_PASSWORD = process.env.HOUQIN_SECADMIN_PASSWORD || ''
// The password of every person fixtures.mjs creates.
export const PASSWORD = 'E2e@Pass2026'
// Default timeout of every page action and wait (openPage sets it).
export const WAIT = 15000

// promise, or a failure naming what did not happen within ms (for awaits that have no
// timeout of their own: streams, downloads, fetch bodies).
export async function within(ms, promise, what) {
  let timer
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

// The CSS selector of the element with data-test="name".
export const $ = (name) => `[data-test="${name}"]`

// A suffix, fixed per test file (each runs in its own process), that keeps the names a
// test creates unique on a reused database.
export const stamp = Date.now().toString(36) + Math.random().toString(36).slice(2, 6)

// An export's file name as the server gives it: the list's name and today's date in
// Asia/Shanghai (报修工单列表_2026-12-02.xlsx).
export const exportName = (title, ext) =>
  `${title}_${new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date())}.${ext}`

// Registers before/after hooks in the calling test file: check HOUQIN_URL, create OUT,
// launch a headless /usr/bin/chromium; close it after the file's tests.
// Returns a getter for the browser (it exists only once `before` has run).
export function useBrowser() {
  let browser
  before(async () => {
    assert.ok(BASE, 'HOUQIN_URL must name the running server, e.g. http://127.0.0.1:18080')
    mkdirSync(OUT, { recursive: true })
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    })
  })
  after(async () => {
    await browser?.close()
  })
  return () => browser
}

// A page in its own browser context (own cookies), locale zh-CN, whose uncaught page errors
// and CSP violations (the server forbids eval) are collected in `problems`: each test ends
// with assert.deepEqual(problems, []). `label` prefixes each problem (who saw it); the other
// options go to browser.newContext (timezoneId, acceptDownloads, ...).
export async function openPage(browser, viewport, { label, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...contextOptions })
  const page = await context.newPage()
  page.setDefaultTimeout(WAIT)
  const who = label ? `${label}: ` : ''
  const problems = []
  page.on('pageerror', (err) => problems.push(`${who}page error: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(`${who}${msg.text()}`)
  })
  return { context, page, problems }
}

// A full-page screenshot OUT/<name>.png; options override the defaults (e.g. fullPage: false).
export const shot = (page, name, options = {}) =>
  page.screenshot({ path: `${OUT}${name}.png`, fullPage: true, animations: 'disabled', ...options })

// Signs in through the login form: / must redirect to /login; done when the home page shows
// and the server has answered the page's event stream (web/src/live.js), so from then on
// live updates reach the page: a test may make changes and wait for them to show.
export async function login(page, username, password = PASSWORD) {
  const live = page
    .waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/events' && r.status() === 200, { timeout: 2 * WAIT })
    .then(
      () => null,
      (err) => err,
    )
  await page.goto(`${BASE}/`)
  await page.waitForURL(/\/login/)
  await page.locator($('login-username')).fill(username)
  await page.locator($('login-password')).fill(password)
  await page.locator($('login-submit')).click()
  await page.locator($('home-welcome')).waitFor()
  const err = await live
  if (err) throw new Error(`${username}: the page's event stream did not open: ${err.message}`)
}
