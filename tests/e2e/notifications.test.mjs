// Browser test of live notifications: 部门负责人 depthead1 has the inbox open;
// staff1 (same department) submits a request through the API; without a reload
// the new message appears in the inbox and the bell count goes up (the event
// stream, web/src/live.js). A click marks it read, the count goes down, and the
// request's page opens.
//
// Needs what admin.test.mjs needs: a server on a fresh `--demo` database in
// HOUQIN_URL, the built web UI and /usr/bin/chromium.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from '../../web/node_modules/playwright-core/index.mjs'

const BASE = (process.env.HOUQIN_URL || '').replace(/\/$/, '')
const PASSWORD = process.env.HOUQIN_DEMO_PASSWORD || 'Demo@2026'
const OUT = fileURLToPath(new URL('./out/', import.meta.url))
const stamp = Date.now().toString(36) + Math.random().toString(36).slice(2, 6)
const $ = (name) => `[data-test="${name}"]`

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

// An API session outside the browser: cookie + CSRF token.
async function apiLogin(username) {
  const res = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  assert.equal(res.status, 200, `login ${username}`)
  const cookie = res.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await res.json()
  return async (method, path, body) => {
    const r = await fetch(`${BASE}/api/v1${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: r.status, data: await r.json().catch(() => ({})) }
  }
}

const BADGE = `.el-badge:has(${$('notifications')}) sup.el-badge__content`

async function badgeCount(page) {
  const sup = page.locator(BADGE)
  if (!(await sup.isVisible())) return 0
  return Number((await sup.textContent()).trim()) || 0
}

test('a notification reaches an open inbox and the bell without a reload', { timeout: 90000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  const problems = []
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(msg.text())
  })

  await page.goto(`${BASE}/`)
  await page.waitForURL(/\/login/)
  await page.locator($('login-username')).fill('depthead1')
  await page.locator($('login-password')).fill(PASSWORD)
  await page.locator($('login-submit')).click()
  await page.locator($('home-welcome')).waitFor()

  // the bell opens the inbox
  await page.locator($('notifications')).click()
  await page.waitForURL(/\/notifications$/)
  await page.locator($('notify-filter')).waitFor()
  // let the list and the stream settle, then remember the count
  await page.locator(`${$('notify-item')}, .el-empty`).first().waitFor()
  const loads = []
  page.on('framenavigated', (frame) => frame === page.mainFrame() && loads.push(frame.url()))
  const before = await badgeCount(page)

  // staff1 (第一检察部) submits a request: its department head is asked to approve
  const staff = await apiLogin('staff1')
  const title = `E2E 实时通知 ${stamp}`
  const created = await staff('POST', '/approvals', { kind: 'general', title, amount_fen: 12300 })
  assert.equal(created.status, 201, JSON.stringify(created.data))

  const item = page.locator($('notify-item'), { hasText: title })
  await item.waitFor()
  assert.equal(await item.getAttribute('data-read'), 'false')
  await page.waitForFunction(
    ([sel, want]) => Number(document.querySelector(sel)?.textContent || 0) >= want,
    [BADGE, before + 1],
  )
  assert.equal(await badgeCount(page), before + 1)
  assert.deepEqual(loads, [], 'the page was not reloaded')
  await page.screenshot({ path: `${OUT}desktop-7-live-notification.png`, animations: 'disabled' })

  // a click marks it read and opens the request
  await item.click()
  await page.waitForURL(new RegExp(`/approvals/${created.data.id}$`))
  await page.waitForFunction(
    ([sel, want]) => Number(document.querySelector(sel)?.textContent || 0) === want,
    [BADGE, before],
  ).catch(() => {})
  assert.equal(await badgeCount(page), before)

  await staff('POST', `/approvals/${created.data.id}/withdraw`)
  assert.deepEqual(problems, [])
  await context.close()
})
