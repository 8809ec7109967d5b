// Browser test of live notifications: a 部门负责人 has the inbox open; a staff user of the
// same department submits a request through the API; without a reload the new message
// appears in the inbox and the bell count goes up (the event stream, web/src/live.js). A
// click marks it read, the count goes down, and the request's page opens.
//
// Before it (through the API, fixtures.mjs): a department with its head and a staff user,
// an office user, and an approval rule sending exactly ¥123.00 to the department head.
//
// Needs what every browser test needs (see lib.mjs; run by tests/e2e/run.sh).
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, approvalRule, department, people } from './fixtures.mjs'
import { $, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const AMOUNT_FEN = 12300
let who

before(async () => {
  const first = await department('第一检察部')
  const logistics = await department('机关后勤服务中心')
  who = await people({
    depthead1: { name: '郑伟', dept: first, roles: ['dept_head', 'staff'] },
    staff1: { name: '许晓明', dept: first },
    office: { name: '王建国', dept: logistics, roles: ['office', 'staff'] },
  })
  const office = await apiLogin(who.office.username)
  await approvalRule(office, {
    name: '通知测试',
    min: AMOUNT_FEN,
    max: AMOUNT_FEN + 1,
    priority: 800,
    steps: [['部门负责人审批', 'dept_head', 'dept_head']],
  })
  // an earlier request, so the inbox is not empty when the live one arrives
  const staff = await apiLogin(who.staff1.username)
  await staff.post('/approvals', { kind: 'general', title: `办公用品采购 ${stamp}`, amount_fen: AMOUNT_FEN, reason: '打印纸、硒鼓。' })
}, { timeout: 120000 })

const BADGE = `.el-badge:has(${$('notifications')}) sup.el-badge__content`

async function badgeCount(page) {
  const sup = page.locator(BADGE)
  if (!(await sup.isVisible())) return 0
  return Number((await sup.textContent()).trim()) || 0
}

test('a notification reaches an open inbox and the bell without a reload', { timeout: 90000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 800 })
  await login(page, who.depthead1.username) // also waits for the page's event stream

  // the bell opens the inbox
  await page.locator($('notifications')).click()
  await page.waitForURL(/\/notifications$/)
  await page.locator($('notify-filter')).waitFor()
  // the list has loaded; then remember the count
  await page.locator($('notify-item')).first().waitFor()
  const loads = []
  page.on('framenavigated', (frame) => frame === page.mainFrame() && loads.push(frame.url()))
  const before = await badgeCount(page)

  // staff1 (same department) submits a request: its department head is asked to approve
  const staff = await apiLogin(who.staff1.username)
  const title = `E2E 实时通知 ${stamp}`
  const created = { data: await staff.post('/approvals', { kind: 'general', title, amount_fen: AMOUNT_FEN }) }

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
  )
  assert.equal(await badgeCount(page), before)

  await staff.post(`/approvals/${created.data.id}/withdraw`)
  assert.deepEqual(problems, [])
  await context.close()
})
