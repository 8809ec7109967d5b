// Browser test of 领用申请 (issue #16 item 3): a member of staff asks for supplies on a 375 px
// phone (searching the catalog, a quantity, a reason); the department head approves on a phone from their
// 待办 (the requester's page then says 已批准); the office issues on a desktop (the 发放 dialog
// offers what is left); the requester confirms receipt on the phone; the office prints the 领用单;
// the item's 台账 shows the issue under the requisition's code.
//
// Before it (through the API, fixtures.mjs; a plain `init`): a department with its staff member
// and head, an office user and a leader elsewhere, an item of the catalog stocked by an
// approved stocktake (the leader decides it).
//
//   tests/e2e/run.sh tests/e2e/requisitions.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, people } from './fixtures.mjs'
import { $, BASE, login, openPage, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const PHONE = { width: 375, height: 740 }
const DESKTOP = { width: 1366, height: 900 }
const CODE = `LYT-${stamp}`

let who
let item

before(async () => {
  const dept = await department('领用测试处')
  const office = await department('办公室')
  who = await people({
    staff: { login: 'req_staff', name: '孙领用', dept },
    head: { login: 'req_head', name: '钱处长', dept, roles: ['dept_head', 'staff'] },
    office: { login: 'req_office', name: '李保管', dept: office, roles: ['office', 'staff'] },
    leader: { login: 'req_leader', name: '周分管', dept: office, roles: ['leader', 'staff'] },
  })
  const api = await apiLogin(who.office.username)
  item = await api.post('/supply-items', { code: CODE, name: `中性笔${stamp.slice(-4)}`, spec: '0.5mm 黑', unit: '支', category: '书写工具' })
  // 50 on the shelf: a stocktake, once the leader approves it
  const take = await api.post('/stocktakes', { note: '期初', lines: [{ item_id: item.id, counted_qty: 50 }] })
  const leader = await apiLogin(who.leader.username)
  const made = await api.get(`/stocktakes/${take.id}`)
  await leader.post(`/approvals/${made.approval_id}/decision`, { decision: 'approve', comment: '同意' })
}, { timeout: 60000 })

const box = (scope, name) => scope.locator(`input${$(name)}, textarea${$(name)}, ${$(name)} input`).first()
const status = (page, code) => page.locator(`${$('req-detail')} ${$('req-status')}[data-status="${code}"]`)

test('staff ask on a phone, the head approves, the office issues, staff confirm receipt', { timeout: 90000 }, async () => {
  const phone = await openPage(browser(), PHONE, { label: 'staff' })
  const desk = await openPage(browser(), DESKTOP, { label: 'office' })
  const head = await openPage(browser(), PHONE, { label: 'head' })
  try {
    const { page } = phone
    await login(page, who.staff.username)
    await page.goto(`${BASE}/supplies/requisitions/new`)
    await page.locator($('req-submit')).click()
    await page.locator('[data-field="lines"].is-error').waitFor() // nothing picked: nothing sent
    await page.locator(`${$('req-item-search')} input`).fill(CODE)
    await page.locator($('req-item-option')).first().click()
    await box(page, 'req-line-qty').fill('3')
    await box(page, 'req-reason').fill('处室日常办公')
    await page.locator($('req-submit')).click()
    await page.waitForURL(/\/supplies\/requisitions\/\d+$/)
    const id = Number(new URL(page.url()).pathname.split('/').pop())
    await status(page, 'pending').waitFor()

    // the head, on a phone too: 我的待办 → the requisition's approval → 同意
    const req = await (await apiLogin(who.staff.username)).get(`/requisitions/${id}`)
    const hp = head.page
    await login(hp, who.head.username)
    await hp.goto(`${BASE}/approvals/todo`)
    await hp.locator(`${$('approval-item')}[data-id="${req.approval.id}"]`).filter({ hasText: req.code }).click()
    await hp.waitForURL(new RegExp(`/approvals/${req.approval.id}$`))
    await hp.locator($('approval-comment')).fill('同意，按需领用')
    await hp.locator($('approval-approve')).click()
    await hp.locator(`${$('trail-step')}[data-seq="1"][data-status="approved"]`).waitFor()
    await page.reload()
    await status(page, 'approved').waitFor()

    const office = desk.page
    await login(office, who.office.username)
    await office.goto(`${BASE}/supplies/requisitions/${id}`)
    await office.locator($('req-issue')).click()
    const dialog = office.locator($('req-issue-dialog'))
    assert.equal(await box(dialog, 'req-issue-qty').inputValue(), '3')
    await dialog.locator($('req-issue-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    await status(office, 'issued').waitFor()

    await page.reload()
    await page.locator($('req-receive')).click()
    await status(page, 'received').waitFor()

    // the 领用单: its code, the line asked and issued, three signatures
    await office.reload()
    await office.locator($('req-print')).click()
    await office.locator($('print-number')).filter({ hasText: req.code }).waitFor()
    await office.locator(`${$('req-print-lines')} tbody tr`).filter({ hasText: CODE }).waitFor()
    assert.deepEqual(await office.locator(`${$('req-print-lines')} tbody tr`).first().locator('td').allInnerTexts().then((c) => c.slice(4, 6)), ['3', '3'])
    assert.equal(await office.locator(`${$('print-signatures')} .sign-box`).count(), 3)

    // the item's 台账: the issue, under the requisition's code
    await office.goto(`${BASE}/supplies/items?q=${encodeURIComponent(CODE)}`)
    await office.getByRole('button', { name: '台账' }).first().click()
    await office.locator($('supply-ledger-list')).getByText(req.code).waitFor()
    assert.deepEqual(phone.problems, [])
    assert.deepEqual(desk.problems, [])
    assert.deepEqual(head.problems, [])
  } finally {
    await phone.context.close()
    await desk.context.close()
    await head.context.close()
  }
  const api = await apiLogin(who.office.username)
  assert.equal((await api.get(`/supply-items/${item.id}/ledger`)).closing.qty, 47)
})
