// Browser test of the 经费 reports (issue #14): finance reads the 财务支出月通报 (the line's
// budget in its department with 小计 and 合计), exports it as Excel and prints it (print media
// emulated: the menu and the buttons hidden); drills down from 预算指标 to a line's ledger;
// closes a month on 月度结账; then a staff member on a phone reads the 三公经费公开 with that
// month published and the others 未结账, in both languages.
//
// Before it (through the API, fixtures.mjs): a department, a finance user and a staff member,
// and a 公务接待费 (三公) line of ¥12,345.00 for the department.
//
// The month closed is January of this year (December of last year in January), so the
// other tests' payments, dated today, are never refused by it.
//
//   tests/e2e/run.sh tests/e2e/budget_reports.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, items, person } from './fixtures.mjs'
import { $, BASE, WAIT, login, openPage, shot, useBrowser, within } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const PHONE = { width: 375, height: 740 }
const now = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric' })
  .formatToParts(new Date())
  .reduce((acc, p) => ({ ...acc, [p.type]: Number(p.value) }), {})
const year = now.year
// the month this test closes: January, or last December while it is January
const closeYear = now.month > 1 ? year : year - 1
const closeMonth = `${closeYear}-${now.month > 1 ? '01' : '12'}`
let dept
let finance
let staff

before(async () => {
  dept = await department('通报测试处')
  finance = await person('rep_finance', { name: '孙会计', dept, roles: ['finance', 'staff'] })
  staff = await person('rep_staff', { name: '李科员', dept })
  const api = await apiLogin(finance.username)
  const cls = items(await api.get('/budget-classes')).find((c) => c.code === '30217')
  await api.post('/budget-lines', { year, department_id: dept.id, class_id: cls.id, amount_fen: 1234500, control: 'stop' })
})

const visible = (page, selector) => page.locator(selector).first().isVisible()
const rowsOf = (page, table, text) => page.locator(`${$(table)} .el-table__row`, { hasText: text })

test('finance reads the monthly bulletin, exports it and prints it on A4', async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { acceptDownloads: true })
  try {
    await login(page, finance.username)
    await page.goto(`${BASE}/finance/bulletin`)
    const row = rowsOf(page, 'bulletin-table', dept.name)
    await row.first().waitFor()
    assert.match(await row.first().innerText(), /30217 公务接待费[\s\S]*¥12,345\.00/)
    assert.match(await row.nth(1).innerText(), /小计[\s\S]*¥12,345\.00/)
    assert.match(await rowsOf(page, 'bulletin-table', '合计').last().innerText(), /合计/)

    // Excel, named for the month
    await page.locator($('bulletin-export')).click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator($('bulletin-export-xlsx')).filter({ visible: true }).click()])
    assert.ok(download.suggestedFilename().startsWith(`财务支出月通报${year}年${now.month}月`), download.suggestedFilename())
    await within(WAIT, download.path(), 'the xlsx download')

    // 打印: the A4 sheet, then print media shows it alone
    await page.evaluate(() => {
      window.print = () => (window.printed = (window.printed || 0) + 1)
    })
    await page.locator($('bulletin-print')).click()
    await page.locator($('print-sheet')).waitFor()
    assert.equal(await page.evaluate(() => window.printed), 1)
    assert.equal(await page.locator($('print-title')).innerText(), `${year} 年 ${now.month} 月财务支出月通报`)
    assert.match(await page.locator(`${$('bulletin-print-table')} tbody`).innerText(), /12345\.00/)
    await page.emulateMedia({ media: 'print' })
    assert.equal(await visible(page, '.el-aside'), false, 'menu hidden when printing')
    assert.equal(await visible(page, '.el-header'), false, 'header hidden when printing')
    assert.equal(await visible(page, $('bulletin-print-now')), false, 'buttons hidden when printing')
    assert.ok(await page.locator($('bulletin-print-table')).isVisible(), 'the table is printed')
    await page.emulateMedia({ media: 'screen' })
    await shot(page, 'budget-bulletin-print')
    await page.locator($('bulletin-print-back')).click()
    await rowsOf(page, 'bulletin-table', dept.name).first().waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('finance drills down from a budget line to its ledger', async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP)
  try {
    await login(page, finance.username)
    await page.goto(`${BASE}/finance/lines`)
    const row = rowsOf(page, 'budget-lines', dept.name).first()
    await row.waitFor()
    await row.locator($('budget-line-link')).click()
    await page.waitForURL(/\/finance\/lines\/\d+$/)
    const head = page.locator($('line-figures'))
    await head.waitFor()
    assert.match(await head.innerText(), new RegExp(`${dept.name}[\\s\\S]*公务接待费[\\s\\S]*¥12,345\\.00`))
    await page.locator(`${$('line-entries')} .el-table__empty-text`).waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('finance closes a month; staff on a phone then reads it in the 三公经费 disclosure', async () => {
  const fin = await openPage(browser(), DESKTOP)
  try {
    await login(fin.page, finance.username)
    await fin.page.goto(`${BASE}/finance/periods`)
    if (closeYear !== year) {
      await fin.page.locator($('periods-year')).click()
      await fin.page.locator('.el-select-dropdown__item', { hasText: String(closeYear) }).filter({ visible: true }).click()
    }
    const status = fin.page.locator($(`period-status-${closeMonth}`))
    await status.waitFor()
    assert.equal((await status.innerText()).trim(), '未结账')
    await fin.page.locator($(`period-close-${closeMonth}`)).click()
    await fin.page.locator('.el-message-box__btns .el-button--primary').click()
    await fin.page.locator($(`period-status-${closeMonth}`), { hasText: '已结账' }).waitFor()
    assert.match(await rowsOf(fin.page, 'periods-table', closeMonth).innerText(), /已结账[\s\S]*孙会计/)
    assert.deepEqual(fin.problems, [])
  } finally {
    await fin.context.close()
  }

  const { context, page, problems } = await openPage(browser(), PHONE)
  try {
    await login(page, staff.username)
    await page.goto(`${BASE}/finance/disclosure`)
    if (closeYear !== year) {
      await page.locator($('disclosure-year')).click()
      await page.locator('.el-select-dropdown__item', { hasText: String(closeYear) }).filter({ visible: true }).click()
    }
    await page.locator($('disclosure-class')).nth(2).waitFor()
    assert.equal(await page.locator($('disclosure-class')).count(), 3)
    assert.match(await page.locator($('disclosure-classes')).innerText(), /公务接待费[\s\S]*¥/)
    const month = Number(closeMonth.slice(5))
    const closedRow = rowsOf(page, 'disclosure-months', `${month} 月`).first()
    await closedRow.locator($('disclosure-month-total')).waitFor()
    assert.doesNotMatch(await closedRow.innerText(), /未结账/)
    assert.ok((await page.locator($('disclosure-open')).count()) >= 1, 'the months not closed say 未结账')
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375)
    await shot(page, 'budget-disclosure-phone')
    await page.locator($('lang-switch')).click()
    await page.locator($('lang-en')).click()
    await page.getByRole('heading', { name: 'Three public expenses' }).waitFor()
    await page.locator($('disclosure-open')).first().getByText('Not closed').waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
