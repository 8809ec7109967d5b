// Browser test of the forms (issue #13 item 3, web/src/forms.js): an empty form is checked
// before anything is sent — required marks, messages naming the fields by their labels in
// the user's language, the first field in error scrolled into view and focused — fixing the
// fields clears the alert; a server's field error (a username already taken) shows at its
// field with the field's label; the department picker picks a department by name. Also:
// every kind of date picker starts the week on Monday, in Chinese and in English (item 5).
//
//   tests/e2e/run.sh tests/e2e/forms.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { department, person, workorderWorld } from './fixtures.mjs'
import { $, ADMIN_PASSWORD, ADMIN_USER, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 375, height: 640 }

// The texts each language must show: field messages are built from the fields' labels.
const TEXT = {
  'zh-CN': {
    user: { username: '请填写用户名', display_name: '请填写姓名', department_id: '请选择部门', password: '请填写初始密码' },
    report: { location: '请选择报修地点', category_id: '请选择报修类别', title: '请填写标题' },
    fix: '请按提示修改标出的内容',
    taken: /^用户名：/,
    monday: /^一$/,
  },
  en: {
    user: {
      username: 'Enter the username',
      display_name: 'Enter the name',
      department_id: 'Choose the department',
      password: 'Enter the initial password',
    },
    report: { location: 'Choose the location', category_id: 'Choose the category', title: 'Enter the title' },
    fix: 'Correct the fields marked below',
    taken: /^Username: /,
    monday: /^Mo/, // Mo or Mon, as Element Plus abbreviates
  },
}

let dept
let taken
let world

before(async () => {
  dept = await department('表单测试部')
  taken = await person('taken', { dept })
  world = await workorderWorld()
}, { timeout: 120000 })

// A page in `lang` (the UI keeps the choice in localStorage, as the language switch does).
async function pageIn(lang, viewport) {
  const opened = await openPage(browser(), viewport, { label: lang })
  await opened.context.addInitScript((code) => localStorage.setItem('houqin.locale', code), lang)
  return opened
}

// Counts the requests `method path` the page sends (path under /api/v1).
function countRequests(page, method, path) {
  const seen = { n: 0 }
  page.on('request', (r) => {
    if (r.method() === method && new URL(r.url()).pathname === `/api/v1${path}`) seen.n++
  })
  return seen
}

const item = (scope, field) => scope.locator(`[data-field="${field}"]`)
const errorOf = async (scope, field) => (await item(scope, field).locator('.el-form-item__error').innerText()).trim()

// The element's box lies inside the window.
const inView = (locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect()
    return r.top >= 0 && r.bottom <= window.innerHeight
  })

// The element with focus is inside the locator's element.
const hasFocus = (locator) => locator.evaluate((el) => el.contains(document.activeElement))

for (const lang of ['zh-CN', 'en']) {
  const text = TEXT[lang]

  test(`${lang}: an empty user dialog is checked before it is sent; a taken username shows at its field`, { timeout: 90000 }, async () => {
    const { context, page, problems } = await pageIn(lang, DESKTOP)
    try {
      await login(page, ADMIN_USER, ADMIN_PASSWORD)
      await page.goto(`${BASE}/admin/users`)
      await page.locator($('user-new')).click()
      const dialog = page.locator($('user-dialog'))
      await dialog.locator($('user-username')).waitFor()
      const posts = countRequests(page, 'POST', '/users')

      // Required marks before anything is typed.
      for (const field of Object.keys(text.user)) {
        assert.ok(await item(dialog, field).evaluate((el) => el.classList.contains('is-required')), `${field} is marked required`)
      }
      await dialog.locator($('user-save')).click()
      await dialog.locator($('user-error')).waitFor()
      assert.equal((await dialog.locator($('user-error')).innerText()).trim(), text.fix)
      for (const [field, message] of Object.entries(text.user)) assert.equal(await errorOf(dialog, field), message)
      assert.ok(await hasFocus(item(dialog, 'username')), 'the first field in error has the focus')
      assert.equal(posts.n, 0, 'nothing was sent')
      await shot(page, `forms-${lang}-1-user-empty`)

      // Fixed field by field: each message goes at once, the alert with the last one.
      await dialog.locator($('user-username')).fill(taken.username)
      await item(dialog, 'username').locator('.el-form-item__error').waitFor({ state: 'detached' })
      await dialog.locator($('user-display-name')).fill(`表单${stamp}`)
      await dialog.locator($('user-password')).fill('Form@2026x')
      // The department picker: a department chosen by its name.
      await dialog.locator($('user-department')).click()
      await page.locator('.el-tree-select__popper').filter({ visible: true }).getByText(dept.name, { exact: true }).click()
      await item(dialog, 'department_id').locator('.el-form-item__error').waitFor({ state: 'detached' })
      await dialog.locator($('user-error')).waitFor({ state: 'detached' })
      assert.equal(await dialog.locator('.el-form-item__error').count(), 0)
      assert.equal(posts.n, 0)

      // The server knows the username is taken (409): shown at the field, with its label.
      await dialog.locator($('user-save')).click()
      await item(dialog, 'username').locator('.el-form-item__error').waitFor()
      assert.equal(posts.n, 1)
      assert.match(await errorOf(dialog, 'username'), text.taken)
      assert.doesNotMatch(await errorOf(dialog, 'username'), /username:|username：/)
      await dialog.locator($('user-error')).waitFor()
      await shot(page, `forms-${lang}-2-user-taken`)

      // A new name clears the field's error and the alert; then the user is made.
      await dialog.locator($('user-username')).fill(`form_${lang === 'en' ? 'en' : 'zh'}_${stamp}`)
      await item(dialog, 'username').locator('.el-form-item__error').waitFor({ state: 'detached' })
      await dialog.locator($('user-error')).waitFor({ state: 'detached' })
      await dialog.locator($('user-save')).click()
      await dialog.waitFor({ state: 'hidden' })
      assert.equal(posts.n, 2)
      assert.deepEqual(problems, [])
    } finally {
      await context.close()
    }
  })

  test(`${lang}: an empty 报修 form on a phone scrolls to the first missing field and sends nothing`, { timeout: 90000 }, async () => {
    const { context, page, problems } = await pageIn(lang, PHONE)
    try {
      await login(page, world.who.staff1.username)
      await page.goto(`${BASE}/workorders/new`)
      const form = page.locator($('wo-submit'))
      await page.locator($(`wo-category-${world.categories[0].id}`)).waitFor()
      const posts = countRequests(page, 'POST', '/workorders')
      for (const field of Object.keys(text.report)) {
        assert.ok(await item(form, field).evaluate((el) => el.classList.contains('is-required')), `${field} is marked required`)
      }

      // From the bottom of the page: the submit button.
      const submit = page.locator($('wo-submit-button'))
      await submit.scrollIntoViewIfNeeded()
      assert.equal(await inView(item(form, 'location')), false, 'the location is out of view at first')
      await submit.click()
      await page.locator($('wo-submit-error')).waitFor()
      for (const [field, message] of Object.entries(text.report)) assert.equal(await errorOf(form, field), message)
      assert.ok(await inView(item(form, 'location')), 'the first field in error was scrolled into view')
      assert.equal(posts.n, 0, 'nothing was sent')
      await shot(page, `forms-${lang}-3-report-empty`, { fullPage: false })

      // Fixing the fields clears their messages, and with the last one the alert.
      await page.locator($(`wo-category-${world.categories[0].id}`)).click()
      await item(form, 'category_id').locator('.el-form-item__error').waitFor({ state: 'detached' })
      await page.locator($('wo-title')).fill(`表单测试 ${stamp}`)
      await item(form, 'title').locator('.el-form-item__error').waitFor({ state: 'detached' })
      assert.equal((await page.locator($('wo-submit-error')).innerText()).trim(), text.fix, 'the location is still missing')
      await page.locator(`${$('wo-location')} .el-cascader`).click()
      const popper = page.locator('.wo-location-popper').filter({ visible: true })
      await popper.getByText(world.building.name, { exact: true }).click()
      await popper.getByText('3层', { exact: true }).click()
      await popper.getByText('301 卫生间', { exact: true }).click()
      await item(form, 'location').locator('.el-form-item__error').waitFor({ state: 'detached' })
      await page.locator($('wo-submit-error')).waitFor({ state: 'detached' })
      assert.equal(posts.n, 0)
      assert.deepEqual(problems, [])
    } finally {
      await context.close()
    }
  })

  test(`${lang}: every kind of date picker starts the week on Monday`, { timeout: 60000 }, async () => {
    const { context, page, problems } = await pageIn(lang, DESKTOP)
    // Opens the picker of `trigger`; the first weekday heading of the calendar it shows.
    const firstWeekday = async (trigger) => {
      await trigger.click()
      const th = page.locator('.el-picker__popper').filter({ visible: true }).locator('.el-date-table th').first()
      const day = (await th.innerText()).trim()
      await page.keyboard.press('Escape')
      return day
    }
    try {
      await login(page, world.who.office.username)
      // A date (代理设置's dialog).
      await page.goto(`${BASE}/approvals/deputies`)
      await page.locator($('deputy-new')).click()
      assert.match(await firstWeekday(page.locator(`${$('deputy-from')} input`)), text.monday)
      await page.locator($('deputy-dialog')).getByRole('button', { name: lang === 'en' ? 'Cancel' : '取消' }).click()
      // A date range (报修工单列表's filter).
      await page.goto(`${BASE}/workorders/queue`)
      const range = page.locator('.filter-form .el-date-editor--daterange input').first()
      assert.match(await firstWeekday(range), text.monday)
      assert.deepEqual(problems, [])
    } finally {
      await context.close()
    }
  })
}
