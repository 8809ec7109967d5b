// Browser test of a budget adjustment (issue #14 item 1): finance asks for a 追加 on a line in
// the 调整 dialog; nothing changes until a leader approves it (through the API, as from 我的待办,
// by the rule every new agency gets: 分管领导审批); then the line shows the new available
// amount and its 调整记录 the approved request.
//
//   tests/e2e/run.sh tests/e2e/budget_adjust.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, items, person } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()))
let finance
let leader
let dept
let line

before(async () => {
  dept = await department('调整一处')
  finance = await person('adj_finance', { name: '孙会计', dept, roles: ['finance', 'staff'] })
  leader = await person('adj_leader', { name: '李领导', dept, roles: ['leader', 'staff'] })
  const api = await apiLogin(finance.username)
  const cls = await api.post('/budget-classes', { code: `8${stamp.slice(-5)}`.replace(/\D/g, '6'), name: `调整费·${stamp}` })
  line = await api.post('/budget-lines', { year, department_id: dept.id, class_id: cls.id, amount_fen: 100000, control: 'stop' })
})

const rowOf = (page) => page.locator(`${$('budget-lines')} .el-table__row`, { hasText: dept.name }).first()

test('finance requests a 追加; once a leader approves it the line has more available', async () => {
  const { context, page, problems } = await openPage(browser(), { width: 375, height: 740 })
  try {
    await login(page, finance.username)
    await page.goto(`${BASE}/finance/lines`)
    await rowOf(page).waitFor()
    assert.match(await rowOf(page).locator($('budget-available')).innerText(), /¥1,000\.00/)
    await rowOf(page).locator($('budget-adjust')).click()
    const dialog = page.locator($('adjust-dialog'))
    await dialog.waitFor()
    await dialog.locator($('adjust-submit')).click() // nothing typed: the form says what is missing
    await dialog.locator('.el-form-item.is-error').first().waitFor()
    await dialog.locator($('adjust-amount')).fill('500')
    await dialog.locator($('adjust-reason')).fill('下半年差旅任务增加')
    await shot(page, 'budget-adjust-dialog')
    await dialog.locator($('adjust-submit')).click()
    await dialog.waitFor({ state: 'hidden' })

    const fin = await apiLogin(finance.username)
    const [adj] = items(await fin.get(`/budget-lines/${line.id}/adjustments`))
    assert.equal(adj.status, 'pending')
    assert.equal(adj.amount_fen, 50000)
    assert.equal((await fin.get(`/budget-lines?year=${year}&department_id=${dept.id}`)).items[0].available_fen, 100000)
    const boss = await apiLogin(leader.username)
    await boss.post(`/approvals/${adj.approval_id}/decision`, { decision: 'approve' })

    await page.locator($('budget-refresh')).click()
    await page.waitForFunction(
      ({ sel, name }) => [...document.querySelectorAll(sel)].some((r) => r.innerText.includes(name) && r.innerText.includes('¥1,500.00')),
      { sel: `${$('budget-lines')} .el-table__row`, name: dept.name },
    )
    await rowOf(page).locator($('budget-adjustments')).click()
    const drawer = page.locator($('adjustments-drawer'))
    await drawer.locator($('adjustment-status')).first().waitFor()
    assert.equal((await drawer.locator($('adjustment-status')).first().innerText()).trim(), '已批准')
    assert.match(await drawer.locator($('adjustment-amount')).first().innerText(), /\+¥500\.00/)
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375)
    await shot(page, 'budget-adjustments-drawer')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('finance sets the mid-year reminder date; a wrong one is refused at the field', async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1366, height: 900 })
  try {
    await login(page, finance.username)
    await page.goto(`${BASE}/finance/lines`)
    await page.locator($('budget-reminder')).click()
    const dialog = page.locator($('reminder-dialog'))
    const date = dialog.locator($('reminder-date'))
    await page.waitForFunction((sel) => document.querySelector(sel)?.value === '07-01', $('reminder-date'))
    await date.fill('7月1日')
    await dialog.locator($('reminder-save')).click()
    await dialog.locator('.el-form-item.is-error').waitFor()
    await date.fill('06-15')
    await dialog.locator($('reminder-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    const fin = await apiLogin(finance.username)
    assert.equal((await fin.get('/budget/settings')).midyear_reminder, '06-15')
    await page.locator($('budget-reminder')).click()
    await page.waitForFunction((sel) => document.querySelector(sel)?.value === '06-15', $('reminder-date'))
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
