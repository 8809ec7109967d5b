// Browser test of readable history (#13 item 2): a work order's 变更记录 and the 审计日志 read
// like a ledger — translated action names, only the fields each action changed under their
// labels, values as a person reads them (names, 是/否, Asia/Shanghai times, enum labels),
// never raw JSON or field codes — in Chinese and in English.
//
// Before it (through the API, fixtures.mjs): the usual work-order world, a supervisor (纪检监察),
// one order taken through submit → accept → dispatch → start → resolve → confirm, and a user
// whose roles the secadmin sets and whom the sysadmin locks.
//
// Needs what every browser test needs (see lib.mjs; run by tests/e2e/run.sh).
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { adminSessions, apiLogin, department, orders, people, workorderWorld } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
let world, order, who, supervisorApi

// The server's times carry +08:00: Shanghai wall-clock time is their first 16 characters.
const shanghai = (iso) => iso.slice(0, 16).replace('T', ' ')

before(async () => {
  world = await workorderWorld()
  const inspection = await department('纪检监察室')
  who = await people({
    supervisor: { name: '纪检员', dept: inspection, roles: ['supervisor'] },
    clerk: { name: '李文书', dept: world.depts.prosecution, roles: ['dept_head', 'staff'] },
  })
  supervisorApi = await apiLogin(who.supervisor.username)
  const [made] = await orders(world, [
    { category: world.categories[0], room: world.rooms[0], title: '接待室水龙头漏水', rating: 5, comment: '很及时' },
  ])
  order = await world.who.office.api.get(`/workorders/${made.id}`)
  const { sys } = await adminSessions()
  const clerk = await sys.get(`/users/${who.clerk.id}`)
  await sys.put(`/users/${who.clerk.id}/lock`, { locked: true, updated_at: clerk.updated_at })
}, { timeout: 180000 })

// The entry of the history for one action.
const entry = (page, action) => page.locator(`${$('history-item')}[data-action="${action}"]`).first()

// Asserts a diff reads as a person would: labels (no field codes), no JSON, no true/false.
async function readable(diff, where) {
  const text = await diff.innerText()
  assert.ok(!text.includes('{"'), `${where}: no raw JSON in ${text}`)
  assert.ok(!/\b(true|false|null)\b/.test(text), `${where}: no raw true/false/null in ${text}`)
  for (const key of await diff.locator('td.key').allInnerTexts()) {
    assert.ok(!/^[a-z0-9_]+$/.test(key.trim()), `${where}: field ${key} has a label`)
  }
}

// The text of one field's cell (before or after) in an entry's diff.
const cell = (scope, key, side) => scope.locator(`tr[data-key="${key}"] td.${side}`).innerText()

test('a work order\'s 变更记录 names each move and shows only what it changed', { timeout: 60000 }, async () => {
  // a browser in another zone: times must still read as Shanghai time
  const { context, page, problems } = await openPage(browser(), DESKTOP, { timezoneId: 'America/New_York' })
  try {
    await login(page, world.who.office.username)
    await page.goto(`${BASE}/workorders/${order.id}`)
    const history = page.locator($('entity-history'))
    await entry(page, 'confirm').waitFor()
    const actions = await history.locator($('history-item')).evaluateAll((els) => els.map((e) => e.dataset.action))
    assert.deepEqual(actions, ['confirm', 'resolve', 'start', 'dispatch', 'accept', 'create'])
    const names = await history.locator(`${$('history-item')} .name`).allInnerTexts()
    assert.deepEqual(names, ['确认评价', '完工', '开始处理', '派单', '受理', '提交报修'])

    // accept: the status and the accept time changed, nothing else of the order
    const accept = entry(page, 'accept')
    assert.equal(await cell(accept, 'status', 'before'), '已提交')
    assert.equal(await cell(accept, 'status', 'after'), '已受理')
    assert.equal(await cell(accept, 'accepted_at', 'after'), shanghai(order.accepted_at))
    assert.equal(await accept.locator('tr[data-key="title"]').count(), 0)
    assert.equal(await accept.locator('tr[data-key="category"]').count(), 0)
    assert.equal(await accept.locator('tr[data-changed="false"]').count(), 0)

    // dispatch: the worker by name; confirm: the rating in words, on-time as 是/否
    assert.equal(await cell(entry(page, 'dispatch'), 'worker', 'after'), world.who.worker1.display_name)
    const confirm = entry(page, 'confirm')
    assert.equal(await cell(confirm, 'rating', 'after'), '非常满意')
    assert.equal(await cell(confirm, 'rating_comment', 'after'), '很及时')
    assert.equal(await cell(confirm, 'confirmed_at', 'after'), shanghai(order.confirmed_at))
    const resolve = entry(page, 'resolve')
    assert.match(await cell(resolve, 'resolve_on_time', 'after'), /^[是否]$/)

    // create: one column of what was filed, referenced records by name
    const create = entry(page, 'create')
    assert.equal(await cell(create, 'category', 'after'), world.categories[0].name)
    assert.equal(await cell(create, 'priority', 'after'), '普通')
    assert.equal(await create.locator('td.before').count(), 0)

    for (const action of actions) await readable(entry(page, action).locator($('audit-diff')), action)
    for (const at of await history.locator('.el-timeline-item__timestamp').allInnerTexts()) {
      assert.match(at, /^\d{4}-\d\d-\d\d \d\d:\d\d$/)
    }
    await shot(page, 'desktop-history-workorder')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('the same history in English', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { locale: 'en' })
  try {
    await context.addInitScript(() => localStorage.setItem('houqin.locale', 'en'))
    await login(page, world.who.office.username)
    await page.goto(`${BASE}/workorders/${order.id}`)
    const accept = entry(page, 'accept')
    await accept.waitFor()
    assert.equal(await accept.locator('.name').innerText(), 'Accept')
    assert.equal(await accept.locator('tr[data-key="status"] td.key').innerText(), 'Status')
    assert.equal(await cell(accept, 'status', 'after'), 'Accepted')
    assert.equal(await cell(entry(page, 'confirm'), 'rating', 'after'), 'Excellent')
    assert.match(await cell(entry(page, 'resolve'), 'resolve_on_time', 'after'), /^(Yes|No)$/)
    await readable(page.locator($('entity-history')), 'English history')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('the history fits a phone: no sideways scrolling, in the page or in a diff', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 375, height: 800 })
  try {
    await login(page, world.who.office.username)
    await page.goto(`${BASE}/workorders/${order.id}`)
    await entry(page, 'create').waitFor()
    const page_ = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(page_ <= 375, `page is ${page_}px wide at 375px`)
    const diffs = await page
      .locator($('audit-diff'))
      .evaluateAll((els) => els.map((e) => e.scrollWidth - e.clientWidth))
    assert.ok(diffs.length >= 6 && diffs.every((d) => d <= 1), `diffs overflow by ${diffs}`)
    await entry(page, 'accept').scrollIntoViewIfNeeded()
    await shot(page, 'phone-history-workorder', { fullPage: false })
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

// Picks the option labelled text in the el-select with data-test name.
async function choose(page, name, text) {
  await page.locator($(name)).click()
  await page.locator('.el-select-dropdown__item').filter({ visible: true }).getByText(text, { exact: true }).click()
}

test('the audit log filters by a module\'s object and action and shows readable values', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP)
  try {
    await login(page, who.supervisor.username)
    await page.goto(`${BASE}/admin/audit`)
    const rows = page.locator(`${$('audit-table')} .el-table__body-wrapper .el-table__row`)
    await rows.first().waitFor()

    // the filters list every module's objects and actions, in words
    await page.locator($('audit-filter-entity')).click()
    const options = page.locator('.el-select-dropdown__item').filter({ visible: true })
    await options.first().waitFor() // allInnerTexts does not wait for the dropdown to open
    const entities = await options.allInnerTexts()
    for (const name of ["报修工单", "审批申请", "用户", "位置", "工作日历", "维护计划"]) assert.ok(entities.includes(name), `${name} not in ${JSON.stringify(entities)}`)
    await page.keyboard.press('Escape')

    await choose(page, 'audit-filter-entity', '报修工单')
    await choose(page, 'audit-filter-action', '受理')
    const accepted = page.locator(`${$('audit-table')} .el-table__row`, { hasText: `#${order.id}` }).first()
    await accepted.waitFor()
    // the filtered list replaces the whole table: wait until every row is an accepted order
    await page.waitForFunction(
      (sel) => [...document.querySelectorAll(sel)].every((r) => /受理[\s\S]*报修工单/.test(r.innerText)),
      `${$('audit-table')} .el-table__body-wrapper .el-table__row`,
    )
    for (const text of await rows.allInnerTexts()) assert.match(text, /受理[\s\S]*报修工单/)
    await accepted.locator('.el-table__expand-icon').click()
    const diff = page.locator($('audit-diff')).first()
    await diff.waitFor()
    assert.equal(await cell(diff, 'status', 'after'), '已受理')
    assert.equal(await cell(diff, 'accepted_at', 'after'), shanghai(order.accepted_at))
    await readable(diff, 'audit accept')
    await shot(page, 'desktop-audit-workorder')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('an org user\'s roles and lock read well in the audit log; command-line rows say 命令行', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP)
  try {
    await login(page, who.supervisor.username)
    const rowFor = (action) =>
      `${BASE}/admin/audit?entity=user&entity_id=${who.clerk.id}&action=${action}`
    const rows = page.locator(`${$('audit-table')} .el-table__body-wrapper .el-table__row`)

    await page.goto(rowFor('set_roles'))
    await rows.filter({ hasText: '设置角色' }).first().locator('.el-table__expand-icon').click()
    let diff = page.locator($('audit-diff')).first()
    assert.equal(await cell(diff, 'roles', 'before'), '职工')
    assert.equal(await cell(diff, 'roles', 'after'), '职工、部门负责人')
    await readable(diff, 'set_roles')

    await page.goto(rowFor('lock'))
    const lock = rows.filter({ hasText: '锁定' }).first()
    await lock.locator('.el-table__expand-icon').click()
    diff = page.locator($('audit-diff')).first()
    assert.equal(await diff.locator('tr[data-key="locked"] td.key').innerText(), '已锁定')
    assert.equal(await cell(diff, 'locked', 'before'), '否')
    assert.equal(await cell(diff, 'locked', 'after'), '是')

    // the secadmin of tests/e2e/run.sh was added on the command line (houqin user add)
    const created = await supervisorApi.get('/audit?entity=user&action=create&per_page=200')
    const byCli = created.items.find((r) => !r.actor && r.ip === 'cli')
    assert.ok(byCli, 'a user created on the command line')
    await page.goto(`${BASE}/admin/audit?entity=user&entity_id=${byCli.entity_id}&action=create`)
    await rows.first().waitFor()
    assert.match(await rows.first().innerText(), /命令行/)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
