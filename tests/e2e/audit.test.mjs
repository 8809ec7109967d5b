// Browser test of 审计日志 and 变更记录: the supervisor opens the audit log, expands a row's
// before/after, verifies the hash chain; the admin opens a user's change history.
//
// Needs what every browser test needs (see lib.mjs): HOUQIN_URL of a server on a fresh
// `--demo` database, the built web UI and /usr/bin/chromium. Demo logins use Demo@2026.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { $, login, openPage, shot, useBrowser } from './lib.mjs'

// Who reads the log: the demo supervisor (纪检监察); HOUQIN_AUDIT_USER=auditor also works.
const READER = process.env.HOUQIN_AUDIT_USER || 'supervisor'

const browser = useBrowser()

test('supervisor reads the audit log and verifies the chain', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 800 })
  try {
    await login(page, READER)
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
    await login(page, 'admin')
    await page.locator($('menu-users')).click()
    await page.waitForURL(/\/admin\/users/)
    await page.locator($('user-search')).fill('staff1')
    await page.locator($('user-search')).press('Enter')
    const row = page.locator(`${$('user-table')} .el-table__row`, { hasText: 'staff1' }).first()
    await row.waitFor()
    await row.locator($('user-edit')).click()
    const dialog = page.locator($('user-dialog'))
    await dialog.locator($('user-history')).getByText('变更记录').click()
    const item = dialog.locator($('history-item')).last()
    await item.waitFor()
    assert.equal(await item.getAttribute('data-action'), 'create')
    await page.waitForTimeout(500) // let the collapse finish opening before the screenshot
    await shot(page, 'desktop-8-user-history')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
