// Browser test of the admin shell: login, 部门管理, 用户管理, logout, and the 375 px layout.
//
// Before it, the sysadmin and the secadmin make (through the API) a small organisation
// for the lists to show: four departments, a sub-department and a dozen people with roles.
//
// Needs and options: see lib.mjs (run by tests/e2e/run.sh). Screenshots go to tests/e2e/out/.
//
//   tests/e2e/run.sh tests/e2e/admin.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { department, people } from './fixtures.mjs'
import { $, ADMIN_PASSWORD, ADMIN_USER, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()

before(async () => {
  const first = await department('第一检察部', { code: `D1${stamp}` })
  const second = await department('第二检察部', { code: `D2${stamp}` })
  const politics = await department('政治部', { code: `ZZ${stamp}` })
  const logistics = await department('机关后勤服务中心', { code: `HQ${stamp}` })
  const canteen = await department('食堂', { parent: logistics, code: `ST${stamp}` })
  await people({
    depthead1: { name: '郑伟', dept: first, roles: ['dept_head', 'staff'], phone: '13900000001' },
    staff1: { name: '许晓明', dept: first, phone: '13900000002' },
    staff2: { name: '何佳', dept: first, phone: '13900000003' },
    depthead2: { name: '冯静', dept: second, roles: ['dept_head', 'staff'], phone: '13900000004' },
    staff3: { name: '孙丽', dept: second, phone: '13900000005' },
    depthead4: { name: '褚红', dept: politics, roles: ['dept_head', 'staff'], phone: '13900000006' },
    leader: { name: '赵志强', dept: politics, roles: ['leader'], phone: '13900000007' },
    office: { name: '王建国', dept: logistics, roles: ['office', 'staff'], phone: '13900000008' },
    finance: { name: '李会计', dept: logistics, roles: ['finance', 'staff'], phone: '13900000009' },
    worker1: { name: '蒋师傅', dept: logistics, roles: ['worker', 'staff'], phone: '13900000010' },
    cook: { name: '周师傅', dept: canteen, roles: ['worker', 'staff'], phone: '13900000011' },
    auditor: { name: '审计员', dept: politics, roles: ['auditor'], phone: '13900000012' },
  })
}, { timeout: 120000 })

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
