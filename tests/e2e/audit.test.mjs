// Browser test of 审计日志 and 变更记录: the supervisor opens the audit log, expands a row's
// before/after, verifies the hash chain; the admin opens a user's change history, which
// names the fields and shows the department by name (tests/e2e/history.test.mjs: the rest).
//
// Before it, the sysadmin and the secadmin make (through the API) a department with a
// supervisor (纪检监察), a staff user whose history the admin opens, and a few more people,
// so the log holds create and role-grant records of several kinds.
//
// Needs what every browser test needs (see lib.mjs; run by tests/e2e/run.sh).
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { department, people } from './fixtures.mjs'
import { $, ADMIN_PASSWORD, ADMIN_USER, login, openPage, shot, useBrowser } from './lib.mjs'

const browser = useBrowser()
let who

// An el-collapse has finished opening: its item's wrap is shown and Vue's transition is over
// (ElCollapseTransition's afterEnter clears the max-height it animates, and Vue removes the
// *-enter-active class), so a screenshot shows the whole content.
async function collapseOpened(page, selector) {
  await page.waitForFunction((sel) => {
    const wrap = document.querySelector(`${sel} .el-collapse-item__wrap`)
    return wrap && getComputedStyle(wrap).display !== 'none' && !/-enter-/.test(wrap.className) && !wrap.style.maxHeight
  }, selector)
}

before(async () => {
  const inspection = await department('纪检监察室')
  const first = await department('第一检察部')
  who = await people({
    supervisor: { name: '纪检员', dept: inspection, roles: ['supervisor'] },
    staff1: { name: '许晓明', dept: first, phone: '13900000021' },
    depthead1: { name: '郑伟', dept: first, roles: ['dept_head', 'staff'] },
    staff2: { name: '何佳', dept: first },
  })
}, { timeout: 120000 })

test('supervisor reads the audit log and verifies the chain', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 800 })
  try {
    await login(page, who.supervisor.username)
    await page.locator($('menu-audit')).click()
    await page.waitForURL(/\/admin\/audit/)
    const rows = page.locator(`${$('audit-table')} .el-table__body-wrapper .el-table__row`)
    await rows.first().waitFor()
    // the supervisor's own login is the newest row
    assert.match(await rows.first().innerText(), /登录/)

    // a create row shows its after values, every key highlighted as changed
    await page.locator($('audit-filter-action')).click()
    await page.locator('.el-select-dropdown__item').filter({ visible: true }).getByText('新建', { exact: true }).click()
    await page.locator(`${$('audit-table')} .el-table__row`, { hasText: '新建' }).first().waitFor()
    await rows.first().locator('.el-table__expand-icon').click()
    const diff = page.locator($('audit-diff')).first()
    await diff.waitFor()
    assert.ok((await diff.locator('tr[data-changed="true"]').count()) > 0)

    await page.locator($('audit-verify')).click()
    const verdict = page.locator($('audit-verify-result'))
    await verdict.waitFor()
    assert.match(await verdict.innerText(), /校验通过/)
    await shot(page, 'desktop-7-audit')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('the user dialog shows the user\'s change history', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 800 })
  try {
    await login(page, ADMIN_USER, ADMIN_PASSWORD)
    await page.locator($('menu-users')).click()
    await page.waitForURL(/\/admin\/users/)
    await page.locator($('user-search')).fill(who.staff1.username)
    await page.locator($('user-search')).press('Enter')
    const row = page.locator(`${$('user-table')} .el-table__row`, { hasText: who.staff1.username }).first()
    await row.waitFor()
    await row.locator($('user-edit')).click()
    const dialog = page.locator($('user-dialog'))
    await dialog.locator($('user-history')).getByText('变更记录').click()
    const item = dialog.locator($('history-item')).last()
    await item.waitFor()
    assert.equal(await item.getAttribute('data-action'), 'create')
    // what was filed, under labels, values in words (src/audit.js, org's history declaration)
    const username = item.locator('tr[data-key="username"]')
    assert.equal(await username.locator('td.key').innerText(), '用户名')
    assert.equal(await username.locator('td.after').innerText(), who.staff1.username)
    assert.equal(await item.locator('tr[data-key="department"] td.after').innerText(), who.staff1.department.name)
    assert.ok(!(await item.innerText()).includes('{"'))
    await collapseOpened(page, `${$('user-dialog')} ${$('user-history')}`)
    await shot(page, 'desktop-8-user-history')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
