// Browser test of the 工作台 (home page, web/src/pages/home/): for staff, office, worker,
// department head and leader, the counters show the right numbers, a click on one opens its
// list showing that many rows, 我的申请 lists the staff member's open orders and request,
// the leader sees the week's figures with sparklines, the sidebar badge repeats a counter,
// and a phone (375 px) shows it all without sideways scrolling.
//
// Before it (through the API, fixtures.mjs): the work-order world (office 王建国, workers,
// staff1 许晓明 and staff2 何佳 of 第一检察部), that department's head depthead1 郑伟, a
// leader, a rule sending requests under ¥5,000 to the department head, and five orders:
// staff1's resolved, dispatched and submitted ones, staff2's submitted and in-progress ones
// (worker1 has the dispatched and the in-progress one); staff1 asks for ¥200 of paper.
//
// The office sees every order of the agency, also other test files' on a reused database,
// so its numbers are checked against the list's own total (the API), not a constant.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, approvalRule, orders, people, workorderWorld } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, useBrowser } from './lib.mjs'

const DESKTOP = { width: 1366, height: 860 }
const PHONE = { width: 375, height: 740 }
const PAGE_SIZE = 20 // the lists' first page

const browser = useBrowser()
let world
let who
let made

before(async () => {
  world = await workorderWorld()
  const extra = await people({
    depthead1: { name: '郑伟', dept: world.depts.prosecution, roles: ['dept_head', 'staff'] },
    leader: { name: '赵志强', dept: world.depts.logistics, roles: ['leader', 'staff'] },
  })
  who = { ...world.who, ...extra }
  await approvalRule(world.who.office.api, {
    name: '一般事项',
    max: 500000,
    priority: 100,
    steps: [['部门负责人审批', 'dept_head', 'dept_head']],
  })
  const [cat, room] = [world.categories[0], world.rooms[0]]
  made = await orders(world, [
    { category: cat, room, title: '水龙头漏水', until: 'resolved' }, // staff1
    { category: cat, room, title: '灯管闪烁', until: 'submitted' }, // staff2
    { category: cat, room, title: '插座没电', until: 'dispatched' }, // staff1, worker1
    { category: cat, room, title: '暖气不热', until: 'in_progress' }, // staff2, worker1
    { category: cat, room, title: '门锁坏了', until: 'submitted' }, // staff1
  ])
  const staff1 = await apiLogin(who.staff1.username)
  await staff1.post('/approvals', { kind: 'general', title: '购买打印纸', amount_fen: 20000, reason: '日常办公' })
}, { timeout: 180000 })

async function signIn(key, viewport = DESKTOP) {
  const { context, page, problems } = await openPage(browser(), viewport, { label: key, timezoneId: 'Asia/Shanghai' })
  await login(page, who[key].username)
  await page.locator($('home-counters')).waitFor()
  return { context, page, problems }
}

const counter = (page, key) => page.locator($(`home-counter-${key}`))
const countOf = async (page, key) => Number(await counter(page, key).getAttribute('data-count'))

// Clicks the counter and waits until the list shows want rows (row: its data-test).
async function opensListOf(page, key, url, row, want) {
  await counter(page, key).click()
  await page.waitForURL(url)
  if (want === 0) await page.locator('.el-empty, .el-table__empty-text').first().waitFor()
  else await page.locator($(row)).nth(want - 1).waitFor()
  assert.equal(await page.locator($(row)).count(), want, `${key}: rows of ${url}`)
}

test('staff: 待我评价 opens that many orders; 我的申请 lists every open request', async () => {
  const { context, page, problems } = await signIn('staff1')
  assert.equal(await countOf(page, 'wo_to_rate'), 1)
  assert.match(await counter(page, 'wo_to_rate').innerText(), /待我评价/)
  assert.equal(await counter(page, 'wo_to_accept').count(), 0, 'staff sees no office counter')
  const rows = page.locator($('home-request'))
  await rows.nth(3).waitFor()
  assert.equal(await rows.count(), 4)
  assert.equal(await page.locator(`${$('home-request')}[data-kind="workorder"]`).count(), 3)
  assert.equal(await page.locator(`${$('home-request')}[data-kind="approval"]`).count(), 1)
  const dispatched = page.locator(`${$('home-request')}[data-kind="workorder"][data-id="${made[2].id}"]`)
  assert.match(await dispatched.innerText(), /插座没电/)
  assert.equal(await dispatched.locator('[data-status="dispatched"]').count(), 1)
  assert.equal(await page.locator($('home-figures')).count(), 0, 'no figures for staff')
  await page.locator($('home-notification')).first().waitFor() // accepted, dispatched, resolved
  await shot(page, 'workbench-staff')
  await opensListOf(page, 'wo_to_rate', /\/workorders\/mine\?status=resolved/, 'wo-item', 1)
  // 未读通知 opens the inbox on the unread ones: as many as the card said
  await page.goto(`${BASE}/`)
  await page.locator($('home-counters')).waitFor()
  const unread = await countOf(page, 'notif_unread')
  assert.ok(unread >= 3)
  await opensListOf(page, 'notif_unread', /\/notifications\?filter=unread/, 'notify-item', Math.min(unread, 20))
  assert.ok(await page.locator(`${$('notify-filter-unread')}.is-active`).count(), 'the 未读 filter is chosen')
  assert.deepEqual(problems, [])
  await context.close()
})

test('office: 待受理 equals the queue filtered on 已提交, and its menu badge', async () => {
  const { context, page, problems } = await signIn('office')
  const total = (await who.office.api.get('/workorders?scope=all&status=submitted')).total
  assert.ok(total >= 2)
  assert.equal(await countOf(page, 'wo_to_accept'), total)
  assert.equal(await counter(page, 'wo_overdue').count(), 1)
  await page.locator($('menu-badge-workorderQueue')).waitFor()
  if (total <= 99) assert.equal(Number((await page.locator($('menu-badge-workorderQueue')).innerText()).trim()), total)
  await page.locator($('home-figures')).waitFor()
  await shot(page, 'workbench-office')
  await opensListOf(page, 'wo_to_accept', /\/workorders\/queue\?status=submitted/, 'wo-item', Math.min(total, PAGE_SIZE))
  assert.deepEqual(problems, [])
  await context.close()
})

test('worker: 我的待办 opens the tasks in hand', async () => {
  const { context, page, problems } = await signIn('worker1')
  assert.equal(await countOf(page, 'wo_my_tasks'), 2)
  await opensListOf(page, 'wo_my_tasks', /\/workorders\/tasks$/, 'wo-task', 2)
  assert.deepEqual(problems, [])
  await context.close()
})

test('department head: 待我审批 opens 我的待办 with the request', async () => {
  const { context, page, problems } = await signIn('depthead1')
  assert.equal(await countOf(page, 'appr_pending'), 1)
  await page.locator($('menu-badge-approvalTodo')).waitFor()
  await opensListOf(page, 'appr_pending', /\/approvals\/todo$/, 'approval-item', 1)
  assert.deepEqual(problems, [])
  await context.close()
})

test("leader: the week's figures with sparklines", async () => {
  const { context, page, problems } = await signIn('leader')
  const figures = page.locator($('home-figures'))
  await figures.waitFor()
  for (const key of ['wo_on_time_rate', 'wo_satisfaction']) {
    const f = page.locator($(`home-figure-${key}`))
    await f.waitFor()
    assert.equal(await f.locator($('sparkline')).count(), 1)
  }
  // staff1's resolved order was rated by nobody yet; the rate counts resolved orders on time
  assert.match(await page.locator($('home-figure-wo_on_time_rate')).locator($('home-figure-value')).innerText(), /%|—/)
  assert.equal(await counter(page, 'wo_to_accept').count(), 0)
  // 已超时 opens 全部工单 (the leader has no 受理派单) on the overdue orders
  assert.match(await counter(page, 'wo_overdue').getAttribute('href'), /^\/workorders\/all\?overdue=1/)
  await shot(page, 'workbench-leader')
  assert.deepEqual(problems, [])
  await context.close()
})

test('phone: the 工作台 fits 375 px', async () => {
  for (const key of ['staff1', 'office']) {
    const { context, page, problems } = await signIn(key, PHONE)
    await page.locator($('home-requests')).waitFor()
    const wide = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(wide <= PHONE.width, `${key}: the page is ${wide} px wide`)
    const box = await counter(page, key === 'office' ? 'wo_to_accept' : 'wo_to_rate').boundingBox()
    assert.ok(box.height >= 44 && box.width >= 44, `${key}: counter ${box.width}x${box.height}`)
    await shot(page, `workbench-${key}-phone`)
    assert.deepEqual(problems, [])
    await context.close()
  }
})
