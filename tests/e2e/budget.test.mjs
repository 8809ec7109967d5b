// Browser test of 预算指标 (issue #14, first slice): finance's lines with what is available,
// a department head seeing only their department's, in both languages.
//
// Before it (through the API, fixtures.mjs): two departments, a finance user, a department
// head of the first, an expenditure class of our own and a line for each department.
//
//   tests/e2e/run.sh tests/e2e/budget.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, person } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()))
let finance
let head
let depts

before(async () => {
  depts = [await department('预算一处'), await department('预算二处')]
  finance = await person('bud_finance', { name: '周敏', dept: depts[0], roles: ['finance', 'staff'] })
  head = await person('bud_head', { name: '钱处长', dept: depts[0], roles: ['dept_head', 'staff'] })
  const api = await apiLogin(finance.username)
  const cls = await api.post('/budget-classes', { code: `9${stamp.slice(-5)}`.replace(/\D/g, '7'), name: `测试费·${stamp}` })
  for (const [dept, fen] of [[depts[0], 1234500], [depts[1], 500000]]) {
    await api.post('/budget-lines', { year, department_id: dept.id, class_id: cls.id, amount_fen: fen, control: 'stop' })
  }
})

const rowsOf = (page, deptName) => page.locator(`${$('budget-lines')} .el-table__row`, { hasText: deptName })

test('finance sees every department\'s line with its available amount', async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP)
  try {
    await login(page, finance.username)
    await page.goto(`${BASE}/finance/lines`)
    await rowsOf(page, depts[0].name).first().waitFor()
    assert.match(await rowsOf(page, depts[0].name).first().innerText(), /¥12,345\.00[\s\S]*超支禁止/)
    assert.equal(await rowsOf(page, depts[1].name).count(), 1)
    await shot(page, 'budget-lines-finance')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a department head sees only their department\'s lines, in English too', async () => {
  const { context, page, problems } = await openPage(browser(), { width: 375, height: 740 })
  try {
    await login(page, head.username)
    await page.goto(`${BASE}/finance/lines`)
    await rowsOf(page, depts[0].name).first().waitFor()
    assert.equal(await rowsOf(page, depts[1].name).count(), 0)
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375)
    await page.locator($('lang-switch')).click()
    await page.locator($('lang-en')).click()
    await page.getByRole('heading', { name: 'Budget lines' }).waitFor()
    assert.match(await rowsOf(page, depts[0].name).first().innerText(), /Stop when over/)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
