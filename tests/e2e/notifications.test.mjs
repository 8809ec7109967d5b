// Browser test of live notifications: 部门负责人 depthead1 has the inbox open;
// staff1 (same department) submits a request through the API; without a reload
// the new message appears in the inbox and the bell count goes up (the event
// stream, web/src/live.js). A click marks it read, the count goes down, and the
// request's page opens.
//
// Needs what every browser test needs (see lib.mjs): a server on a fresh `--demo`
// database in HOUQIN_URL, the built web UI and /usr/bin/chromium.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { $, BASE, DEMO_PASSWORD, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()

// An API session outside the browser: cookie + CSRF token.
async function apiLogin(username) {
  const res = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
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
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 800 })
  await login(page, 'depthead1')

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
  await shot(page, 'desktop-7-live-notification', { fullPage: false })

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
