// Browser test of the approval pages: 我的申请 → 我的待办 → the requester's open page
// following each decision live; 审批规则 (office); 代理设置 and a deputy's decision.
//
// Before it (through the API, fixtures.mjs): 第一检察部 with staff1 许晓明, staff2 何佳 and
// its head depthead1 郑伟; leader 赵志强; office 王建国; and office's three rules for
// 通用事项申请: < ¥5,000 → 部门负责人; ¥5,000 – ¥100,000 → 部门负责人, then 分管领导;
// ≥ ¥100,000 → 部门负责人, then a committee (党组会).
//
// Needs (see lib.mjs): run by tests/e2e/run.sh; screenshots go to tests/e2e/out/.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { fenToYuan, formatFen, parseYuan } from '../../web/src/format.js'
import { apiLogin, approvalRule, department, people } from './fixtures.mjs'
import { $, WAIT, login, openPage, shot as shotFile, stamp, useBrowser } from './lib.mjs'

const step = (seq, status) => `${$('trail-step')}[data-seq="${seq}"]${status ? `[data-status="${status}"]` : ''}`

const DESKTOP = { width: 1280, height: 860 }
const PHONE = { width: 375, height: 740 }

const browser = useBrowser()
let who

before(async () => {
  const first = await department('第一检察部')
  const politics = await department('院领导')
  const logistics = await department('机关后勤服务中心')
  who = await people({
    depthead1: { name: '郑伟', dept: first, roles: ['dept_head', 'staff'] },
    staff1: { name: '许晓明', dept: first },
    staff2: { name: '何佳', dept: first },
    leader: { name: '赵志强', dept: politics, roles: ['leader'] },
    office: { name: '王建国', dept: logistics, roles: ['office', 'staff'] },
  })
  const office = await apiLogin(who.office.username)
  const head = ['部门负责人审批', 'dept_head', 'dept_head']
  await approvalRule(office, { name: '一般事项（5000元以下）', max: 500000, priority: 100, steps: [head] })
  await approvalRule(office, {
    name: '较大事项（5000元至10万元）',
    min: 500000,
    max: 10000000,
    priority: 100,
    steps: [head, ['分管领导审批', 'leader', 'role']],
  })
  await approvalRule(office, {
    name: '重大事项（10万元以上，集体决策）',
    min: 10000000,
    priority: 100,
    steps: [head, ['党组会研究决定', 'leader', 'committee']],
  })
}, { timeout: 120000 })

// One signed-in person in their own browser context (own cookies), failing the test
// on uncaught page errors and CSP violations.
// key: one of the people made in before (who.<key>).
async function signIn(key, viewport = DESKTOP) {
  const { context, page, problems } = await openPage(browser(), viewport, { label: key, timezoneId: 'Asia/Shanghai' })
  await login(page, who[key].username)
  return { context, page, problems, phone: viewport.width < 768 }
}

const shot = (page, name) => shotFile(page, `approvals-${name}`)

// Through the sidebar (or, on a phone, the drawer behind the hamburger).
async function openMenu(who, key, url) {
  if (who.phone) await who.page.locator($('menu-toggle')).click()
  await who.page.locator($(`menu-${key}`)).click()
  await who.page.waitForURL(url)
}

// 我的申请 → 新建申请 → the new request's page; returns its id.
async function submitRequest(who, { title, amount, reason }) {
  const { page } = who
  await openMenu(who, 'approvalRequests', /\/approvals\/requests$/)
  await page.locator($('approval-new')).click()
  const form = page.locator($('approval-form'))
  await form.locator($('approval-form-title')).fill(title)
  await form.locator($('approval-form-amount')).fill(amount)
  await form.locator($('approval-form-reason')).fill(reason)
  await form.locator($('approval-form-amount-shown')).filter({ hasText: formatFen(parseYuan(amount)) }).waitFor()
  await form.locator($('approval-form-submit')).click()
  await page.waitForURL(/\/approvals\/\d+$/)
  await page.locator(step(1, 'pending')).waitFor()
  return Number(new URL(page.url()).pathname.split('/').pop())
}

// 我的待办 → the request → 同意 with a comment; waits until the page shows the decision.
async function approveFromTodo(who, id, seq, comment) {
  const { page } = who
  if (!/\/approvals\/todo$/.test(page.url())) await openMenu(who, 'approvalTodo', /\/approvals\/todo$/)
  await page.locator(`${$('approval-item')}[data-id="${id}"]`).click()
  await page.waitForURL(new RegExp(`/approvals/${id}$`))
  await page.locator($('approval-decide')).waitFor()
  await page.locator($('approval-comment')).fill(comment)
  await page.locator($('approval-approve')).click()
  await page.locator(step(seq, 'approved')).waitFor()
  assert.equal(await page.locator($('approval-decide')).count(), 0, 'no decide form once decided')
}

async function assertFitsPhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= PHONE.width, `${what} is ${width}px wide at ${PHONE.width}px`)
}

test('money helpers: yuan text to integer fen and back, no floating point', () => {
  const cases = [
    ['8000', 800000],
    ['123.45', 12345],
    ['0.1', 10],
    ['1,234.5', 123450],
    ['¥ 8,000.00', 800000],
    ['0.07', 7],
    ['9999999999999.99', 999999999999999],
    ['', null],
    ['1.234', NaN],
    ['-5', NaN],
    ['1e3', NaN],
    ['.5', NaN],
  ]
  for (const [text, fen] of cases) assert.ok(Object.is(parseYuan(text), fen), `${text} → ${parseYuan(text)}, want ${fen}`)
  assert.equal(formatFen(123456), '¥1,234.56')
  assert.equal(formatFen(800000), '¥8,000.00')
  assert.equal(formatFen(5), '¥0.05')
  assert.equal(formatFen(0), '¥0.00')
  assert.equal(formatFen(null), '')
  assert.equal(fenToYuan(500000), '5000.00')
  // 0.1 + 0.2 style drift would show here: 19.99 元 is exactly 1999 fen.
  assert.equal(parseYuan('19.99'), 1999)
})

test('a ¥8,000 request goes 部门负责人 → 分管领导 while the requester watches live', { timeout: 150000 }, async () => {
  const title = `差旅费报销 ${stamp}`
  const people = []
  try {
    // 部门负责人 on a phone, with 我的待办 open before the request exists.
    const head = await signIn('depthead1', PHONE)
    people.push(head)
    const listed = head.page.waitForResponse((r) => r.url().includes('/api/v1/approvals?') && r.ok())
    await openMenu(head, 'approvalTodo', /\/approvals\/todo$/)
    await listed

    const requester = await signIn('staff1')
    people.push(requester)
    const id = await submitRequest(requester, {
      title,
      amount: '8000',
      reason: '赴省院参加业务培训的差旅费用。',
    })
    const rp = requester.page
    await rp.locator($('approval-status')).filter({ hasText: '审批中' }).waitFor()
    assert.equal(await rp.locator($('approval-amount')).innerText(), '¥8,000.00')
    await rp.locator(step(2, 'waiting')).waitFor()
    assert.equal(await rp.locator($('approval-decide')).count(), 0, 'the requester cannot decide their own request')
    await rp.locator($('approval-withdraw')).waitFor()
    // Marks this page load: if the page reloaded, the marker would be gone.
    await rp.evaluate(() => (window.__e2eSamePage = true))
    await shot(rp, '1-submitted')

    // The open to-do list picks the new request up by itself; its cards fit the phone.
    await head.page.locator(`${$('approval-item')}[data-id="${id}"]`).filter({ hasText: title }).waitFor({ timeout: WAIT })
    await assertFitsPhone(head.page, '我的待办')
    await shot(head.page, '2-todo-phone')
    await approveFromTodo(head, id, 1, '情况属实，同意。')
    await assertFitsPhone(head.page, 'the approval page')
    await shot(head.page, '3-dept-head-approved-phone')

    // The requester's page shows the first decision without a reload.
    await rp.locator(step(1, 'approved')).waitFor({ timeout: WAIT })
    const first = await rp.locator(step(1)).innerText()
    assert.match(first, /郑伟/)
    assert.match(first, /情况属实，同意。/)
    await rp.locator(step(2, 'pending')).waitFor({ timeout: WAIT })
    await rp.locator($('approval-withdraw')).waitFor({ state: 'detached', timeout: WAIT })
    await shot(rp, '4-after-dept-head')

    const leader = await signIn('leader')
    people.push(leader)
    await approveFromTodo(leader, id, 2, '同意报销。')
    await shot(leader.page, '5-leader-approved')

    await rp.locator(step(2, 'approved')).waitFor({ timeout: WAIT })
    assert.match(await rp.locator(step(2)).innerText(), /赵志强/)
    await rp.locator($('approval-status')).filter({ hasText: '已通过' }).waitFor({ timeout: WAIT })
    await rp.locator($('trail-outcome')).filter({ hasText: '已通过' }).waitFor({ timeout: WAIT })
    assert.equal(await rp.evaluate(() => window.__e2eSamePage), true, 'the requester page was not reloaded')
    await shot(rp, '6-approved-live')

    // 我的申请 and 我已审批 list it with its outcome.
    await openMenu(requester, 'approvalRequests', /\/approvals\/requests$/)
    const mine = rp.locator('.el-table__row', { has: rp.locator(`${$('approval-item')}[data-id="${id}"]`) })
    await mine.filter({ hasText: '已通过' }).waitFor()
    assert.match(await mine.innerText(), /¥8,000\.00/)
    await openMenu(head, 'approvalDecided', /\/approvals\/decided$/)
    await head.page.locator(`${$('approval-item')}[data-id="${id}"]`).filter({ hasText: '已通过' }).waitFor()
    await assertFitsPhone(head.page, '我已审批')
    await shot(head.page, '7-decided-phone')

    assert.deepEqual(people.flatMap((p) => p.problems), [])
  } finally {
    for (const p of people) await p.context.close()
  }
})

test('office edits approval rules: a new inactive rule with two ordered steps, then renamed', { timeout: 90000 }, async () => {
  const name = `e2e 规则 ${stamp}`
  const office = await signIn('office')
  const { page } = office
  try {
    await openMenu(office, 'approvalRules', /\/approvals\/rules$/)
    await page.locator($('rule-item')).first().waitFor()
    await shot(page, '8-rules')

    await page.locator($('rule-new')).click()
    const dialog = page.locator($('rule-dialog'))
    await dialog.locator($('rule-name')).fill(name)
    await dialog.locator($('rule-min')).fill('100')
    await dialog.locator($('rule-max')).fill('99.999')
    await dialog.getByText('金额格式不正确').waitFor()
    await dialog.locator($('rule-max')).fill('200.5')
    await dialog.locator($('rule-active')).click() // inactive: the other tests keep their rules
    await dialog.locator($('rule-step-name')).first().fill('部门负责人审批')
    await dialog.locator($('rule-step-add')).click()
    await dialog.locator($('rule-step-name')).nth(1).fill('财务审核')
    await dialog.locator($('rule-step-role')).nth(0).click()
    await page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: '财务' }).click()
    await shot(page, '9-rule-dialog')
    await dialog.locator($('rule-save')).click()
    await dialog.waitFor({ state: 'hidden' })

    const row = page.locator('.el-table__row', { hasText: name })
    await row.waitFor()
    const text = await row.innerText()
    assert.match(text, /¥100\.00 ~ ¥200\.50/)
    assert.match(text, /部门负责人审批[\s\S]*财务审核/)
    assert.match(text, /停用/)

    // Edit: the PUT carries updated_at; the renamed rule replaces the old row.
    await row.locator($('rule-edit')).click()
    await dialog.locator($('rule-name')).fill(`${name} 改`)
    await dialog.locator($('rule-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('.el-table__row', { hasText: `${name} 改` }).waitFor()
    assert.deepEqual(office.problems, [])
  } finally {
    await office.context.close()
  }
})

test('a deputy (出差代理) decides for the department head; the trail says on whose behalf', { timeout: 150000 }, async () => {
  const people = []
  try {
    const head = await signIn('depthead1')
    people.push(head)
    await openMenu(head, 'approvalDeputies', /\/approvals\/deputies$/)
    await head.page.locator($('deputy-new')).click()
    const dialog = head.page.locator($('deputy-dialog'))
    await dialog.locator($('deputy-person')).click()
    await head.page.keyboard.type('何佳')
    await head.page
      .locator('.el-select-dropdown__item')
      .filter({ visible: true })
      .filter({ hasText: '何佳' })
      .filter({ hasText: who.staff2.department.name })
      .click()
    const inThreeDays = new Date(Date.now() + 3 * 86400000 + 8 * 3600000).toISOString().slice(0, 10)
    await dialog.locator(`${$('deputy-to')} input`).fill(inThreeDays)
    await dialog.locator(`${$('deputy-to')} input`).press('Enter')
    await shot(head.page, '10-deputy-dialog')
    await dialog.locator($('deputy-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    const row = head.page.locator('.el-table__row', { hasText: '何佳' })
    await row.filter({ hasText: '生效中' }).waitFor()

    const requester = await signIn('staff1')
    people.push(requester)
    const title = `会议用品采购 ${stamp}`
    const id = await submitRequest(requester, { title, amount: '6000.50', reason: '季度工作会议用品。' })

    const deputy = await signIn('staff2', PHONE)
    people.push(deputy)
    await approveFromTodo(deputy, id, 1, '代为审批：同意。')
    const decided = await deputy.page.locator(step(1)).innerText()
    assert.match(decided, /何佳（代 郑伟）/)
    await shot(deputy.page, '11-deputy-decided-phone')

    await requester.page.locator(step(1, 'approved')).filter({ hasText: '何佳（代 郑伟）' }).waitFor({ timeout: WAIT })
    await shot(requester.page, '12-requester-sees-deputy')

    // Revoke, so the department head decides for himself again.
    await row.locator($('deputy-revoke')).click()
    await head.page.locator('.el-message-box__btns .el-button--primary').click()
    await row.waitFor({ state: 'detached' })
    assert.deepEqual(people.flatMap((p) => p.problems), [])
  } finally {
    for (const p of people) await p.context.close()
  }
})

test('a committee step asks for the minutes reference; a request is withdrawn before any decision', { timeout: 150000 }, async () => {
  const people = []
  try {
    // Its own rule, made here in the UI: exactly ¥123,456.78 goes to one committee step
    // recorded by a leader.
    const office = await signIn('office')
    people.push(office)
    await openMenu(office, 'approvalRules', /\/approvals\/rules$/)
    await office.page.locator($('rule-new')).click()
    const dialog = office.page.locator($('rule-dialog'))
    await dialog.locator($('rule-name')).fill(`e2e 集体决策 ${stamp}`)
    await dialog.locator($('rule-min')).fill('123456.78')
    await dialog.locator($('rule-max')).fill('123456.79')
    await dialog.locator($('rule-priority')).locator('input').fill('900')
    await dialog.locator($('rule-step-name')).fill('党组会研究决定')
    await dialog.locator($('rule-step-scope')).click()
    await office.page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: '集体决策' }).click()
    await dialog.locator($('rule-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    await office.page.locator('.el-table__row', { hasText: `e2e 集体决策 ${stamp}` }).filter({ hasText: '集体决策' }).waitFor()

    const requester = await signIn('staff1')
    people.push(requester)
    const small = await submitRequest(requester, { title: `撤回测试 ${stamp}`, amount: '123456.78', reason: '填错了。' })
    await requester.page.locator($('approval-withdraw')).click()
    await requester.page.locator('.el-message-box__btns .el-button--primary').click()
    await requester.page.locator($('approval-status')).filter({ hasText: '已撤回' }).waitFor()
    await requester.page.locator($('trail-outcome')).filter({ hasText: '已撤回' }).waitFor()
    assert.equal(await requester.page.locator($('approval-withdraw')).count(), 0)
    await shot(requester.page, '13-withdrawn')
    assert.ok(small > 0)

    const id = await submitRequest(requester, { title: `专项维修经费 ${stamp}`, amount: '123,456.78', reason: '办公楼外墙维修。' })
    assert.equal(await requester.page.locator($('approval-amount')).innerText(), '¥123,456.78')

    const leader = await signIn('leader')
    people.push(leader)
    await openMenu(leader, 'approvalTodo', /\/approvals\/todo$/)
    await leader.page.locator(`${$('approval-item')}[data-id="${id}"]`).click()
    await leader.page.locator($('approval-minutes')).waitFor()
    await leader.page.locator($('approval-approve')).click()
    await leader.page.locator($('approval-decide')).getByText('请填写会议纪要编号', { exact: true }).waitFor() // the field's label (web/src/forms.js)
    await leader.page.locator($('approval-minutes')).fill('2026年第5次党组会议纪要')
    await leader.page.locator($('approval-comment')).fill('会议研究同意。')
    await leader.page.locator($('approval-approve')).click()
    await leader.page.locator(step(1, 'approved')).waitFor()
    await shot(leader.page, '14-committee-decided')

    await requester.page.locator($('trail-minutes')).filter({ hasText: '2026年第5次党组会议纪要' }).waitFor({ timeout: WAIT })
    await requester.page.locator($('approval-status')).filter({ hasText: '已通过' }).waitFor({ timeout: WAIT })
    assert.deepEqual(people.flatMap((p) => p.problems), [])
  } finally {
    for (const p of people) await p.context.close()
  }
})
