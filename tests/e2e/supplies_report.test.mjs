// Browser test of the 办公用品月报 (issue #16): finance reads this month's report — its
// department's issues against the quota with the bar, the item among the top items, the
// ledger's opening + in − out = closing — exports the ledger as Excel and prints the report on
// A4; then on a 375 px phone the departments are cards.
//
// Before it (through the API, fixtures.mjs; the database is a plain `init`): a department with
// an office user and a second one, finance and the head; a 办公费 line for the department; a
// supplier, an item; a purchase order of 400 pens at ¥2.50 approved by the other office user
// and received (finance accepts the goods); a quota of ¥2,000 for the month; finance's own
// requisition of 399 pens (¥997.50, under the leader's threshold) approved by the head and
// issued.
//
//   tests/e2e/run.sh tests/e2e/supplies_report.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, items, people } from './fixtures.mjs'
import { $, BASE, WAIT, exportName, login, openPage, shot, stamp, useBrowser, within } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const PHONE = { width: 375, height: 740 }
const now = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric' })
  .formatToParts(new Date())
  .reduce((acc, p) => ({ ...acc, [p.type]: Number(p.value) }), {})
const ITEM = `月报测试笔${stamp.slice(-4)}`

// A 统一社会信用代码 of our own: 17 characters from the stamp, then the check character.
function creditCode() {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const body = `91110108MA${String(parseInt(stamp.slice(-7), 36) % 1e7).padStart(7, '0')}`
  let sum = 0
  for (let i = 0, w = 1; i < 17; i++, w = (w * 3) % 31) sum += alphabet.indexOf(body[i]) * w
  return body + alphabet[(31 - (sum % 31)) % 31]
}

let who
let dept

before(async () => {
  dept = await department('月报测试处')
  who = await people({
    office: { login: 'rpt_office', name: '王采购', dept, roles: ['office', 'staff'] },
    office2: { login: 'rpt_office2', name: '李审核', dept, roles: ['office', 'staff'] },
    finance: { login: 'rpt_fin', name: '周会计', dept, roles: ['finance', 'staff'] },
    head: { login: 'rpt_head', name: '郑处长', dept, roles: ['dept_head', 'staff'] },
  })
  const [office, office2, fin, head] = await Promise.all(
    ['office', 'office2', 'finance', 'head'].map((k) => apiLogin(who[k].username)),
  )
  const cls = items(await fin.get('/budget-classes')).find((c) => c.code === '30201')
  await fin.post('/budget-lines', { year: now.year, department_id: dept.id, class_id: cls.id, amount_fen: 10000000, control: 'warn' })
  const supplier = await office.post('/suppliers', { name: `月报测试文具店${stamp}`, credit_code: creditCode(), designated: true })
  const item = await office.post('/supply-items', {
    code: `RPT-${stamp}`,
    name: ITEM,
    spec: '0.5mm 黑色',
    unit: '支',
    category: '书写工具',
    reorder_point: 10,
    max_stock: 1000,
  })
  const po = await office.post('/purchase-orders', { supplier_id: supplier.id, reason: '月报测试', lines: [{ item_id: item.id, qty: 400, unit_price_fen: 250 }] })
  await office2.post(`/approvals/${po.approval_id}/decision`, { decision: 'approve', comment: '同意' })
  await office.post(`/purchase-orders/${po.id}/receive`, {
    purchaser_ids: [who.office2.id],
    acceptor_id: who.finance.id,
    invoice_no: `No.${stamp}`,
    lines: [{ item_id: item.id, qty: 400, unit_price_fen: 250 }],
  })
  const month = now.month
  const quotas = await office.get(`/supply-quotas?year=${now.year}&month=${month}`)
  const seen = items(quotas).find((q) => q.department_id === dept.id)?.updated_at || quotas.as_of
  await office.put('/supply-quotas', { year: now.year, month, department_id: dept.id, quota_fen: 200000, updated_at: seen })
  const req = await fin.post('/requisitions', { lines: [{ item_id: item.id, qty: 399, reason: '办案' }] })
  await head.post(`/approvals/${req.approval_id}/decision`, { decision: 'approve', comment: '同意' })
  await office.post(`/requisitions/${req.id}/issue`, { lines: [{ item_id: item.id, qty: 399 }] })
})

const yuan = (text) => Number(text.replace(/[^\d.-]/g, ''))

test('finance reads the month, exports the ledger, prints it, and a phone shows cards', async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { acceptDownloads: true })
  try {
    await login(page, who.finance.username)
    await page.goto(`${BASE}/supplies/report`)
    const row = page.locator(`${$('report-departments')} .el-table__row`, { hasText: dept.name })
    await row.waitFor()
    assert.match(await row.innerText(), /¥997\.50[\s\S]*¥2,000\.00[\s\S]*49\.9%[\s\S]*1/)
    assert.ok(await page.locator($('report-top-item'), { hasText: ITEM }).count(), 'the pens are among the top items')

    // the ledger: what came in less what went out moves the opening to the closing
    const [open, inn, out, close] = await Promise.all(
      ['opening', 'in', 'out', 'closing'].map(async (k) => yuan(await page.locator(`${$(`ledger-${k}`)} .money`).innerText())),
    )
    assert.ok(inn >= 1000 && out >= 997.5, `in ${inn} out ${out}`)
    assert.equal(Math.round((open + inn - out) * 100), Math.round(close * 100))

    await page.locator($('report-export-ledger')).click()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator($('report-export-ledger-xlsx')).filter({ visible: true }).click(),
    ])
    assert.equal(download.suggestedFilename(), exportName(`办公用品出入库汇总${now.year}年${now.month}月`, 'xlsx'))
    await within(WAIT, download.path(), 'the xlsx download')

    await page.evaluate(() => {
      window.print = () => (window.printed = (window.printed || 0) + 1)
    })
    await page.locator($('report-print')).click()
    await page.locator($('print-sheet')).waitFor()
    assert.equal(await page.evaluate(() => window.printed), 1)
    assert.match(await page.locator($('print-sheet')).innerText(), new RegExp(`${dept.name}[\\s\\S]*997\\.50`))
    await shot(page, 'supplies-report-print')
    await page.locator($('report-print-back')).click()

    await page.setViewportSize(PHONE)
    const card = page.locator($('report-dept'), { hasText: dept.name })
    await card.waitFor()
    assert.match(await card.innerText(), /¥997\.50/)
    await shot(page, 'supplies-report-phone')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
