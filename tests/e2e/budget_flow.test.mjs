// Browser test of 经费 end to end (issue #14): a 公务接待费 (三公) claim, approved and paid
// through the API as the claims test does it in the UI, reaches the reports: finance sees it
// in the 财务支出月通报 (the department's year to date), and once finance closes its month a
// member of staff on a phone reads it in the 三公经费公开 — not before.
//
// The claim is paid in last month and that month is closed, so payments of the other tests,
// dated today, are never refused. In January and February last month is (or may be, by
// budget_reports.test.mjs) a month another test closes: the test is skipped then.
//
//   tests/e2e/run.sh tests/e2e/budget_flow.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, items, people } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const PHONE = { width: 375, height: 740 }
const now = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric' })
  .formatToParts(new Date())
  .reduce((acc, p) => ({ ...acc, [p.type]: Number(p.value) }), {})
const year = now.year
const month = now.month - 1 // the month the claim is paid in, then closed
const skip = now.month <= 2 ? 'January and February: last month may be closed by another test' : false
const pad = (n) => String(n).padStart(2, '0')
let dept
let who
let claimId
let approvalId

before(async () => {
  if (skip) return
  dept = await department('接待测试处')
  const other = await department('财务测试处')
  who = await people({
    staff: { login: 'flow_staff', name: '钱科员', dept },
    head: { login: 'flow_head', name: '赵处长', dept, roles: ['dept_head', 'staff'] },
    finance: { login: 'flow_fin', name: '冯会计', dept: other, roles: ['finance', 'staff'] },
  })
  const fin = await apiLogin(who.finance.username)
  const cls = items(await fin.get('/budget-classes')).find((c) => c.code === '30217' && c.sangong)
  assert.ok(cls, 'a new agency has 30217 公务接待费 marked 三公')
  await fin.post('/budget-lines', { year, department_id: dept.id, class_id: cls.id, amount_fen: 800000, control: 'stop' })

  // under ¥200: no invoice photo needed; under ¥5,000: 部门负责人 → 财务
  const staff = await apiLogin(who.staff.username)
  const claim = await staff.post('/expense-claims', {
    items: [{ class_code: '30217', amount_fen: 15000, description: '接待省院调研组工作餐' }],
  })
  claimId = claim.id
  approvalId = claim.approval_id
  for (const k of ['head', 'finance']) {
    const api = await apiLogin(who[k].username)
    await api.post(`/approvals/${claim.approval_id}/decision`, { decision: 'approve', comment: '同意' })
  }
  const paid = await fin.post(`/expense-claims/${claim.id}/pay`, {
    voucher_no: `记-${year}-${pad(month)}-0815`,
    paid_on: `${year}-${pad(month)}-15`,
  })
  assert.equal(paid.status, 'paid')
}, { timeout: 60000 })

test('the approval page links to the claim it is about', { skip, timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP)
  try {
    await login(page, who.head.username)
    await page.goto(`${BASE}/approvals/${approvalId}`)
    const link = page.locator($('approval-entity-link'))
    assert.match(await link.innerText(), new RegExp(`报销单 #${claimId}|#${claimId}`))
    // the kind is named by the budget module's messages, in the reader's language
    assert.match(await page.locator('.el-descriptions').first().innerText(), /报销/)
    await page.locator($('lang-switch')).click()
    await page.locator($('lang-en')).click()
    await page.locator('.el-descriptions').first().filter({ hasText: 'Expense claim' }).waitFor()
    await link.click()
    await page.waitForURL(new RegExp(`/finance/claims/${claimId}$`))
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('finance sees the paid claim in the monthly bulletin', { skip, timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP)
  try {
    await login(page, who.finance.username)
    await page.goto(`${BASE}/finance/bulletin`)
    const row = page.locator(`${$('bulletin-table')} .el-table__row`, { hasText: dept.name })
    await row.first().waitFor()
    // this month: nothing yet; the year to date: the ¥150 paid last month (of ¥8,000)
    assert.match(await row.first().innerText(), /30217 公务接待费\s+¥8,000\.00\s+¥0\.00\s+¥150\.00/)
    await shot(page, 'budget-flow-bulletin')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('the disclosure shows the month only after finance closes it', { skip, timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), PHONE)
  const monthRow = () => page.locator(`${$('disclosure-months')} .el-table__body .el-table__row`).nth(month - 1)
  try {
    await login(page, who.staff.username)
    await page.goto(`${BASE}/finance/disclosure`)
    await monthRow().waitFor()
    assert.equal(await monthRow().locator($('disclosure-open')).count(), 1, 'an open month shows 未结账')
    assert.doesNotMatch(await monthRow().innerText(), /¥150\.00/)

    const fin = await apiLogin(who.finance.username)
    await fin.post(`/budget/periods/${year}${pad(month)}/close`, {})
    await page.reload()
    await monthRow().locator($('disclosure-month-total')).waitFor()
    assert.match(await monthRow().innerText(), /¥150\.00/)
    // no personal data: neither the payee nor the voucher
    const text = await page.locator('main').innerText()
    assert.doesNotMatch(text, /钱科员|记-/)
    await shot(page, 'budget-flow-disclosure-phone')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
