// Browser test of 报销 (issue #14 item 3): a member of staff files a travel claim on a phone
// with a photographed invoice, sees 超标准 live and gives the reason; the department head,
// finance and the leader approve it (through the API, as from their 待办); finance pays it on
// the claim's page (凭证号); the claim shows 已支付, in English too, and the requester's inbox
// has the notification that opens it.
//
// Before it (through the API, fixtures.mjs): a department with its staff member and head, a
// finance user and a leader elsewhere, a 差旅费 (30211) line for the department this year and
// a travel standard for a city of our own.
//
//   tests/e2e/run.sh tests/e2e/claims.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, items, people } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const PHONE = { width: 375, height: 740 }
const DESKTOP = { width: 1366, height: 900 }
const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()))
const CITY = `测试市${stamp.slice(-4)}`
// 1×1 PNG: the invoice photo
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64')

let who
let claimId

before(async () => {
  const dept = await department('报销测试处')
  const other = await department('计划财务处')
  who = await people({
    staff: { login: 'clm_staff', name: '林报销', dept },
    head: { login: 'clm_head', name: '郑处长', dept, roles: ['dept_head', 'staff'] },
    finance: { login: 'clm_fin', name: '周出纳', dept: other, roles: ['finance', 'staff'] },
    leader: { login: 'clm_leader', name: '吴分管', dept: other, roles: ['leader', 'staff'] },
  })
  const fin = await apiLogin(who.finance.username)
  const travel = items(await fin.get('/budget-classes')).find((c) => c.code === '30211')
  assert.ok(travel, 'a new agency has the class 30211 差旅费')
  await fin.post('/budget-lines', { year, department_id: dept.id, class_id: travel.id, amount_fen: 5000000, control: 'stop' })
  // ¥450 a night, ¥100 a day for meals, ¥80 local transport
  await fin.post('/travel-standards', {
    city: CITY,
    rank: 'other',
    lodging_fen: 45000,
    meal_fen: 10000,
    transport_fen: 8000,
    valid_from: `${year}-01-01`,
  })
}, { timeout: 60000 })

// An el-select's option, by its text, in the popper that is open.
async function pick(page, select, text) {
  await select.click()
  const item = await page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: text }).first().elementHandle()
  await item.click()
  // until this dropdown has gone, its (selected) item still counts as visible and the next
  // pick of the same text could land on it while it fades
  await item.waitForElementState('hidden')
}

async function typeDate(page, field, value) {
  const input = page.locator(`[data-field="${field}"] input`)
  await input.fill(value)
  await input.press('Enter')
  await page.keyboard.press('Escape')
}

test('staff file a travel claim on a phone: invoice photo, 超标准 live, the reason required', { timeout: 90000 }, async () => {
  const { context, page, problems } = await openPage(browser(), PHONE, { label: 'staff' })
  try {
    await login(page, who.staff.username)
    await page.goto(`${BASE}/finance/claims`)
    await page.locator($('claims-new')).click()
    await page.waitForURL(/\/finance\/claims\/new$/)

    const forms = page.locator($('claim-item-form'))
    await pick(page, forms.nth(0).locator($('claim-class')), '差旅费')
    await forms.nth(0).locator($('claim-kind-lodging')).click()
    await forms.nth(0).locator($('claim-amount')).fill('1,200')
    await forms.nth(0).locator($('claim-description')).fill('住宿 2 晚')
    await page.locator($('claim-add-item')).click()
    await pick(page, forms.nth(1).locator($('claim-class')), '差旅费')
    await forms.nth(1).locator($('claim-kind-fare')).click()
    await forms.nth(1).locator($('claim-amount')).fill('4000.5')
    await forms.nth(1).locator($('claim-description')).fill('往返高铁')

    await page.locator($('claim-city')).fill(CITY)
    await typeDate(page, 'trip.start_date', `${year}-11-02`)
    await typeDate(page, 'trip.end_date', `${year}-11-04`)
    await page.locator(`${$('claim-photos')} ${$('wo-photo-input')}`).setInputFiles({ name: '发票.png', mimeType: 'image/png', buffer: PNG })
    await page.locator(`${$('claim-photos')} [data-state="done"]`).waitFor()

    // two nights at ¥450: ¥300 over on lodging
    await page.locator($('claim-over')).filter({ hasText: '超标准 ¥300.00' }).waitFor()
    assert.equal(await page.locator($('claim-total')).innerText(), '¥5,200.50')
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width)
    await page.locator($('claim-submit')).click()
    await page.locator('[data-field="over_reason"].is-error').waitFor()
    assert.equal(new URL(page.url()).pathname, '/finance/claims/new', 'nothing sent without the reason')
    await page.locator($('claim-over-reason')).fill('会期内协议酒店满房，改住会场附近酒店。')
    await shot(page, 'claims-new-phone')
    await page.locator($('claim-submit')).click()

    await page.waitForURL(/\/finance\/claims\/\d+$/)
    claimId = Number(new URL(page.url()).pathname.split('/').pop())
    await page.locator(`${$('claim-detail')} ${$('claim-status')}[data-status="pending"]`).waitFor()
    assert.match(await page.locator($('claim-code')).innerText(), new RegExp(`^BX${year}-\\d{4}$`))
    assert.equal(await page.locator($('claim-invoice')).count(), 1)
    assert.match(await page.locator($('claim-detail')).innerText(), /审批中[\s\S]*¥5,200\.50/)
    await shot(page, 'claims-detail-phone')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('three approvals, then finance pays it on its page; the requester is told', { timeout: 90000 }, async () => {
  assert.ok(claimId, 'the first test filed the claim')
  const staff = await apiLogin(who.staff.username)
  const claim = await staff.get(`/expense-claims/${claimId}`)
  const approvalId = claim.approval_id || claim.approval?.id
  // ≥ ¥5,000: 部门负责人 → 财务 → 分管领导
  for (const k of ['head', 'finance', 'leader']) {
    const api = await apiLogin(who[k].username)
    await api.post(`/approvals/${approvalId}/decision`, { decision: 'approve', comment: '同意' })
  }
  assert.equal((await staff.get(`/expense-claims/${claimId}`)).status, 'approved')

  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'finance', acceptDownloads: true })
  try {
    await login(page, who.finance.username)
    // 工作台: 待支付报销 counts it and opens the list of approved claims
    const counter = page.locator($('home-counter-claims_to_pay'))
    assert.ok(Number(await counter.getAttribute('data-count')) >= 1)
    await counter.click()
    await page.waitForURL(/\/finance\/claims\?status=approved$/)
    // 待支付 exports with its filter
    await page.locator($('claims-export')).click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator($('claims-export-xlsx')).click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    await page.locator(`${$('claim-item')}[data-id="${claimId}"]`).click()
    await page.waitForURL(new RegExp(`/finance/claims/${claimId}$`))
    await page.locator(`${$('claim-status')}[data-status="approved"]`).filter({ hasText: '待支付' }).waitFor()
    await page.locator($('claim-pay')).click()
    const dialog = page.locator($('claim-pay-dialog'))
    await dialog.locator($('claim-pay-save')).click()
    await dialog.locator('[data-field="voucher_no"].is-error').waitFor() // 凭证号 is required
    await dialog.locator($('claim-voucher-input')).fill(`记-${year}-11-0031`)
    await dialog.locator($('claim-pay-save')).click()
    await page.locator(`${$('claim-detail')} ${$('claim-status')}[data-status="paid"]`).filter({ hasText: '已支付' }).waitFor()
    assert.equal(await page.locator($('claim-voucher')).innerText(), `记-${year}-11-0031`)
    assert.equal(await page.locator($('claim-pay')).count(), 0)
    // 变更记录: the payment is the latest entry, by finance
    await page.locator(`${$('history-item')}[data-action="pay"]`).filter({ hasText: '周出纳' }).waitFor()
    await shot(page, 'claims-paid-finance')
    // 打印: the claim on an A4 sheet, with its number and items
    await page.locator($('claim-print')).click()
    await page.locator($('print-sheet')).filter({ hasText: '费用报销单' }).waitFor()
    assert.match(await page.locator($('print-claim-items')).innerText(), /住宿[\s\S]*¥5,200\.50/)
    await shot(page, 'claims-print')
    await page.locator($('print-back')).click()
    await page.locator($('claim-detail')).waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('the requester\'s inbox has 已支付 and opens the claim; in English it reads Paid', { timeout: 60000 }, async () => {
  assert.ok(claimId, 'the first test filed the claim')
  const staff = await apiLogin(who.staff.username)
  const notes = items(await staff.get('/notifications'))
  const paid = notes.find((n) => n.kind === 'claim.paid' && n.entity === 'expense_claim' && n.entity_id === claimId)
  assert.ok(paid, `a claim.paid notification: ${JSON.stringify(notes.map((n) => n.kind))}`)

  const { context, page, problems } = await openPage(browser(), PHONE, { label: 'staff' })
  try {
    await login(page, who.staff.username)
    await page.goto(`${BASE}/notifications`)
    await page.locator(`${$('notify-item')}[data-id="${paid.id}"]`).click()
    await page.waitForURL(new RegExp(`/finance/claims/${claimId}$`))
    await page.locator(`${$('claim-status')}[data-status="paid"]`).waitFor()
    await page.locator($('lang-switch')).click()
    await page.locator($('lang-en')).click()
    await page.locator(`${$('claim-status')}[data-status="paid"]`).filter({ hasText: 'Paid' }).waitFor()
    await page.goto(`${BASE}/finance/claims`)
    await page.getByRole('heading', { name: 'My claims' }).waitFor()
    await page.locator(`${$('claim-item')}[data-id="${claimId}"]`).filter({ hasText: 'Paid' }).waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('finance keeps the travel standards: the list, and a new one through the form', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'finance' })
  try {
    await login(page, who.finance.username)
    await page.goto(`${BASE}/finance/standards`)
    await page.locator($('std-item')).filter({ hasText: CITY }).first().waitFor()
    await page.locator($('std-new')).click()
    const dialog = page.locator($('std-dialog'))
    await dialog.locator($('std-save')).click()
    await dialog.locator('[data-field="city"].is-error').waitFor() // nothing sent without a city
    await dialog.locator($('std-city')).fill(`${CITY}西`)
    await dialog.locator($('std-lodging')).fill('500')
    await dialog.locator($('std-meal')).fill('100')
    await dialog.locator($('std-transport')).fill('80.5')
    await dialog.locator($('std-save')).click()
    const row = page.locator(`${$('std-list')} .el-table__row`).filter({ hasText: `${CITY}西` })
    await row.waitFor()
    assert.match(await row.innerText(), /¥500\.00[\s\S]*¥100\.00[\s\S]*¥80\.50/)
    await shot(page, 'claims-standards')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
