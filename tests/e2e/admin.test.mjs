// Browser test of the admin shell: login, 部门管理, 用户管理, logout, and the 375 px layout.
//
// Needs and options: see lib.mjs (HOUQIN_URL, built web UI, /usr/bin/chromium;
// HOUQIN_ADMIN_USER / HOUQIN_ADMIN_PASSWORD). Screenshots go to tests/e2e/out/.
//
//   HOUQIN_URL=http://127.0.0.1:18080 node --test tests/e2e/
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { $, ADMIN_PASSWORD, ADMIN_USER, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()

async function logout(page) {
  await page.locator($('user-menu')).click()
  await page.locator($('logout')).click()
  await page.waitForURL(/\/login/)
  await page.locator($('login-submit')).waitFor()
}

test('admin creates a department and a user in it, finds the user, logs out', { timeout: 90000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 800 })
  const deptName = `测试部门${stamp}`
  const deptCode = `E2E${stamp.toUpperCase()}`
  const username = `e2e_${stamp}`
  try {
    await page.goto(`${BASE}/`)
    await page.waitForURL(/\/login/)
    await page.locator($('login-submit')).waitFor()
    await shot(page, 'desktop-1-login')
    await login(page, ADMIN_USER, ADMIN_PASSWORD)
    await shot(page, 'desktop-2-home')

    await page.locator($('menu-departments')).click()
    await page.waitForURL(/\/admin\/departments/)
    await page.locator(`${$('dept-table')} .el-table__row`).first().waitFor()
    await page.locator($('dept-new')).click()
    const deptDialog = page.locator($('dept-dialog'))
    await deptDialog.locator($('dept-name')).fill(deptName)
    await deptDialog.locator($('dept-code')).fill(deptCode)
    await deptDialog.locator($('dept-save')).click()
    await deptDialog.waitFor({ state: 'hidden' })
    await page.locator(`${$('dept-table')} .el-table__row`, { hasText: deptName }).waitFor()
    await shot(page, 'desktop-3-departments')

    await page.locator($('menu-users')).click()
    await page.waitForURL(/\/admin\/users/)
    await page.locator($('user-new')).click()
    const userDialog = page.locator($('user-dialog'))
    await userDialog.locator($('user-username')).fill(username)
    await userDialog.locator($('user-display-name')).fill(`测试用户${stamp}`)
    await userDialog.locator($('user-phone')).fill('13800001234')
    await userDialog.locator($('user-department')).click()
    await page.locator('.el-tree-select__popper').filter({ visible: true }).getByText(deptName, { exact: true }).click()
    await userDialog.locator($('user-password')).fill('Test@2026x')
    await shot(page, 'desktop-4-new-user')
    await userDialog.locator($('user-save')).click()
    await userDialog.waitFor({ state: 'hidden' })

    await page.locator($('user-search')).fill(username)
    await page.locator($('user-search')).press('Enter')
    const row = page.locator(`${$('user-table')} .el-table__row`, { hasText: username })
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(deptName))
    assert.equal(await page.locator(`${$('user-table')} .el-table__body-wrapper .el-table__row`).count(), 1)
    await shot(page, 'desktop-5-users')

    await logout(page)
    await shot(page, 'desktop-6-logged-out')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('at 375 px the menu sits behind a hamburger and pages fit the width', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 375, height: 740 })
  try {
    await login(page, ADMIN_USER, ADMIN_PASSWORD)
    await shot(page, 'mobile-1-home')
    assert.equal(await page.locator($('menu-users')).count(), 0, 'sidebar hidden on a phone')

    await page.locator($('menu-toggle')).click()
    await page.locator($('menu-users')).waitFor()
    await shot(page, 'mobile-2-menu')
    await page.locator($('menu-users')).click()
    await page.waitForURL(/\/admin\/users/)
    await page.locator($('menu-users')).waitFor({ state: 'hidden' })
    await page.locator(`${$('user-table')} .el-table__row`).first().waitFor()
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(pageWidth <= 375, `page is ${pageWidth}px wide; wide tables must scroll inside themselves`)
    await shot(page, 'mobile-3-users')

    await page.locator($('user-new')).click()
    const dialog = page.locator(`${$('user-dialog')}`)
    await dialog.waitFor()
    const { width } = await dialog.boundingBox()
    assert.ok(Math.abs(width - 375 * 0.92) < 2, `dialog is ${width}px wide, expected 92% of 375`)
    await shot(page, 'mobile-4-dialog')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })

    await logout(page)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
