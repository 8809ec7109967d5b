// Browser test of 采购 (issue #16 item 4): the office orders under ¥5,000 on the 新建采购 page
// (supplier, an item, quantity and price); another office user approves it (through the API,
// as from their 待办); the office receives it (验收入库) naming a purchaser and a different
// acceptor, and the order shows 已入库 with its received value; the item is in stock.
//
// Before it (through the API, fixtures.mjs; the database is a plain `init`): an office
// department with two office users, a purchaser and an acceptor, finance; a 30201 办公费 line
// for the department this year; a supplier (a valid 统一社会信用代码) and an item.
//
//   tests/e2e/run.sh tests/e2e/purchases.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, creditCode, department, items, people } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()))
const ITEM = `复印纸${stamp.slice(-4)}`

let who
let item

before(async () => {
  const dept = await department('采购测试办公室')
  who = await people({
    office: { login: 'po_office', name: '陈采购', dept, roles: ['office', 'staff'] },
    office2: { login: 'po_office2', name: '何审核', dept, roles: ['office', 'staff'] },
    buyer: { login: 'po_buyer', name: '郭买家', dept },
    acceptor: { login: 'po_accept', name: '梁验收', dept },
    finance: { login: 'po_fin', name: '冯会计', dept, roles: ['finance', 'staff'] },
  })
  const fin = await apiLogin(who.finance.username)
  const cls = items(await fin.get('/budget-classes')).find((c) => c.code === '30201')
  await fin.post('/budget-lines', { year, department_id: dept.id, class_id: cls.id, amount_fen: 5000000, control: 'stop' })
  const office = await apiLogin(who.office.username)
  await office.post('/suppliers', { name: `文具公司${stamp.slice(-4)}`, credit_code: creditCode(1) })
  item = await office.post('/supply-items', { code: `P${stamp}`, name: ITEM, unit: '箱', category: '纸张', reorder_point: 2, max_stock: 50 })
}, { timeout: 60000 })

// An el-select's option, by its text, in the popper that is open (a multiple select stays open
// until closeOn is clicked).
async function pick(page, select, text, { closeOn } = {}) {
  await select.click()
  const option = await page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: text }).first().elementHandle()
  await option.click()
  if (closeOn) await closeOn.click() // a click elsewhere closes a multiple select
  await option.waitForElementState('hidden')
}

const box = (scope, name) => scope.locator(`input${$(name)}, ${$(name)} input`).first()

test('the office orders under ¥5,000, another office user approves, two people receive it', { timeout: 40000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'office' })
  try {
    await login(page, who.office.username)
    await page.goto(`${BASE}/supplies/purchases`)
    await page.locator($('purchases-new')).click()
    await page.waitForURL(/\/supplies\/purchases\/new$/)
    await pick(page, page.locator($('po-supplier')), `文具公司${stamp.slice(-4)}`)
    await pick(page, page.locator($('po-line-item')), ITEM)
    await box(page, 'po-line-qty').fill('10')
    await box(page, 'po-line-price').fill('185.50')
    await page.locator($('po-total')).filter({ hasText: '1,855.00' }).waitFor()
    await page.locator($('po-tier')).filter({ hasText: '办公室审核' }).waitFor()
    await page.locator($('po-submit')).click()
    await page.waitForURL(/\/supplies\/purchases\/\d+$/)
    const id = Number(new URL(page.url()).pathname.split('/').pop())
    await page.locator($('po-status')).filter({ hasText: '审批中' }).waitFor()

    const order = await (await apiLogin(who.office.username)).get(`/purchase-orders/${id}`)
    await (await apiLogin(who.office2.username)).post(`/approvals/${order.approval_id}/decision`, { decision: 'approve', comment: '同意' })
    await page.locator($('po-status')).filter({ hasText: '已批准' }).waitFor() // live
    await page.locator($('po-receive')).click()
    const dialog = page.locator($('po-receive-dialog'))
    await pick(page, dialog.locator($('po-purchasers')), '郭买家', { closeOn: dialog.locator('.el-dialog__header') })
    await pick(page, dialog.locator($('po-acceptor')), '梁验收')
    await box(dialog, 'po-invoice').fill('FP-0001')
    await shot(page, 'purchases-receive')
    await dialog.locator($('po-receive-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator($('po-status')).filter({ hasText: '已入库' }).waitFor()
    await page.locator($('po-received')).filter({ hasText: '1,855.00' }).waitFor()
    await page.locator($('po-acceptor-shown')).filter({ hasText: '梁验收' }).waitFor()
    // the 入库单: the order's code, its line at the received price, four signatures
    await page.locator($('po-print')).click()
    await page.locator($('print-number')).filter({ hasText: order.code }).waitFor()
    await page.locator($('print-po-lines')).filter({ hasText: ITEM }).filter({ hasText: '185.50' }).waitFor()
    assert.equal(await page.locator(`${$('print-signatures')} .sign-box`).count(), 4)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
  const got = items(await (await apiLogin(who.office.username)).get(`/supply-items?q=${encodeURIComponent(ITEM)}`)).find((i) => i.id === item.id)
  assert.equal(got?.qty_on_hand, 10)
  assert.equal(got?.stock_value_fen, 185500)
})
