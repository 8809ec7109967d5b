// Browser test of the shared print layout (PrintSheet.vue + print.css) and of list
// exports, on 用户管理: export CSV/Excel with the page's filters (a real download),
// then the print preview of the same filtered list, printed to an A4 PDF with the
// app chrome hidden. window.print() is never called: print media is emulated.
//
//   tests/e2e/run.sh tests/e2e/print.test.mjs
//
// Before it (through the API, fixtures.mjs): two departments and 45 staff users named
// `${stamp}.staffN` (N = 1 … 45), so the filter `${stamp}.staff1` finds 11 of them
// (staff1, staff10 … staff19) and the whole list needs more than one A4 page.
//
// Needs what every browser test needs (see lib.mjs). Output (PDF, screenshots) in
// tests/e2e/out/.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { department, person } from './fixtures.mjs'
import { $, ADMIN_PASSWORD, ADMIN_USER, BASE, OUT, WAIT, exportName, login, openPage, shot, stamp, useBrowser, within } from './lib.mjs'

const BOM = Buffer.from([0xef, 0xbb, 0xbf])
const HEADER_ROW = '登录名,姓名,电话,部门,角色,状态,更新时间'

const browser = useBrowser()
const STAFF = 45
const FILTER = `${stamp}.staff1`
const FILTERED = 11 // staff1, staff10 … staff19

const SURNAMES = '许何孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤'
const GIVEN = ['晓明', '佳', '丽', '建华', '静', '磊', '红', '东', '伟', '芳', '强', '敏', '涛', '燕', '军']

before(async () => {
  const depts = [await department('第一检察部'), await department('第二检察部')]
  const logins = Array.from({ length: STAFF }, (_, i) => i + 1)
  for (let i = 0; i < logins.length; i += 5) {
    await Promise.all(
      logins.slice(i, i + 5).map((n) =>
        person(`staff${n}`, {
          name: SURNAMES[n % SURNAMES.length] + GIVEN[n % GIVEN.length],
          dept: depts[n % 2],
          phone: `139${String(n).padStart(8, '0')}`,
          username: `${stamp}.staff${n}`,
        }),
      ),
    )
  }
}, { timeout: 120000 })

// Desktop, with downloads allowed (the exports).
const openDesktop = () => openPage(browser(), { width: 1280, height: 800 }, { acceptDownloads: true })

// The users list as the API sees it, with the session of the page.
async function apiTotal(page, q) {
  return page.evaluate(async (query) => {
    const res = await fetch(`/api/v1/users?q=${encodeURIComponent(query)}`, { credentials: 'same-origin', signal: AbortSignal.timeout(15000) })
    return (await res.json()).total
  }, q)
}

async function exportVia(page, item) {
  await page.locator($('user-export')).click()
  const menuItem = page.locator($(item)).filter({ visible: true })
  const [download] = await Promise.all([page.waitForEvent('download'), menuItem.click()])
  const path = await within(WAIT, download.path(), `the ${item} download`)
  return { name: download.suggestedFilename(), bytes: readFileSync(path) }
}

const visible = (page, selector) => page.locator(selector).first().isVisible()

test('users: export CSV and Excel with the filters, then print the list on A4', { timeout: 90000 }, async () => {
  const { context, page, problems } = await openDesktop()
  try {
    await login(page, ADMIN_USER, ADMIN_PASSWORD)
    await page.locator($('menu-users')).click()
    await page.waitForURL(/\/admin\/users/)
    await page.locator(`${$('user-table')} .el-table__row`).first().waitFor()
    await page.locator($('user-search')).fill(FILTER)
    await page.locator($('user-search')).press('Enter')
    const expected = await apiTotal(page, FILTER)
    assert.equal(expected, FILTERED, `the filter ${FILTER} finds the users made for it`)

    // CSV: UTF-8 with BOM, Chinese header row, one line per filtered user
    const csv = await exportVia(page, 'user-export-csv')
    assert.equal(csv.name, exportName('用户列表', 'csv'))
    assert.deepEqual(csv.bytes.subarray(0, 3), BOM, 'CSV starts with the UTF-8 BOM')
    const lines = csv.bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean)
    assert.equal(lines[0], HEADER_ROW)
    assert.equal(lines.length - 1, expected, 'same filters as the list')
    for (const line of lines.slice(1)) assert.ok(line.startsWith(FILTER), line)

    // Excel: a ZIP (xlsx) container with the Chinese name
    const xlsx = await exportVia(page, 'user-export-xlsx')
    assert.equal(xlsx.name, exportName('用户列表', 'xlsx'))
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK')

    // print preview of the same filtered list, inside the app
    await page.locator($('user-print')).click()
    await page.waitForURL((url) => url.pathname === '/print/users' && url.searchParams.get('q') === FILTER)
    const sheet = page.locator($('print-sheet'))
    await sheet.waitFor()
    await page.locator(`${$('print-users')} tbody tr`).nth(expected - 1).waitFor()
    assert.equal(await page.locator(`${$('print-users')} tbody tr`).count(), expected)
    assert.equal(await page.locator($('print-title')).innerText(), '用户名单')
    assert.ok((await page.locator($('print-agency')).innerText()).length > 0, 'agency name on the sheet')
    assert.ok((await page.locator($('print-fields')).innerText()).includes(FILTER), 'the filter on the sheet')
    assert.equal(await page.locator(`${$('print-signatures')} .sign-box`).count(), 2)
    assert.match(await page.locator($('print-time')).innerText(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
    assert.ok(await visible(page, '.el-aside'), 'sidebar shown on screen')
    await shot(page, 'print-1-preview')

    // print media: only the sheet
    await page.emulateMedia({ media: 'print' })
    assert.equal(await visible(page, '.el-aside'), false, 'sidebar hidden when printing')
    assert.equal(await visible(page, '.el-header'), false, 'header hidden when printing')
    assert.equal(await visible(page, $('print-now')), false, 'toolbar hidden when printing')
    assert.ok(await sheet.isVisible(), 'the sheet is printed')
    const sheetBox = await sheet.boundingBox()
    assert.ok(sheetBox.x < 20, `sheet starts at the page edge when printing, x=${sheetBox.x}`)
    const pdfPath = `${OUT}users-print.pdf`
    await page.pdf({ path: pdfPath, preferCSSPageSize: true, printBackground: true })
    const pdf = readFileSync(pdfPath)
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-')
    assert.ok(statSync(pdfPath).size > 5000)
    // @page { size: A4 }: 210 × 297 mm = 595 × 842 pt (Chromium rounds to whole CSS pixels)
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'))
    assert.ok(box, 'PDF has a MediaBox')
    assert.ok(Math.abs(Number(box[1]) - 595.3) < 2 && Math.abs(Number(box[2]) - 841.9) < 2, `A4 page, got ${box[1]} × ${box[2]} pt`)

    await page.emulateMedia({ media: 'screen' })
    assert.ok(await visible(page, '.el-aside'), 'sidebar back on screen')

    // back to the list, filters kept
    await page.locator($('print-back')).click()
    await page.waitForURL((url) => url.pathname === '/admin/users' && url.searchParams.get('q') === FILTER)
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('hq-print')), false)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a long list prints over several A4 pages', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openDesktop()
  try {
    await login(page, ADMIN_USER, ADMIN_PASSWORD)
    await page.goto(`${BASE}/print/users`)
    const total = await apiTotal(page, '')
    await page.locator(`${$('print-users')} tbody tr`).nth(total - 1).waitFor()
    await page.emulateMedia({ media: 'print' })
    const pdfPath = `${OUT}users-print-all.pdf`
    await page.pdf({ path: pdfPath, preferCSSPageSize: true, printBackground: true })
    const pages = (readFileSync(pdfPath).toString('latin1').match(/\/Type\s*\/Page\b/g) || []).length
    assert.ok(pages >= 2, `${total} users should need more than one page, got ${pages}`)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
