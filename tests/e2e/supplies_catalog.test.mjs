// Browser test of 办公用品 part K (issue #16): the office adds an item to the catalog — the
// server's word on a duplicate code shows at the code — and, with nothing received yet, sees
// it in the list with 0 on hand and the 低库存 tag (the category filter offering the catalog's other
// categories too); its 出入库台账 opens with an empty period.
//
//   tests/e2e/run.sh tests/e2e/supplies_catalog.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, people } from './fixtures.mjs'
import { $, BASE, login, openPage, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const CODE = `E2E-${stamp.slice(-6)}`
const TAKEN = `E2E-T${stamp.slice(-5)}`

let who

before(async () => {
  const office = await department('办公室')
  who = await people({ office: { login: 'sup_office', name: '吴保管', dept: office, roles: ['office', 'staff'] } })
  const api = await apiLogin(who.office.username)
  await api.post('/supply-items', { code: TAKEN, name: '复印纸', unit: '箱', category: '纸张' })
}, { timeout: 60000 })

const box = (scope, name) => scope.locator(`input${$(name)}, ${$(name)} input`).first()

test('the office adds an item and sees it in the catalog', { timeout: 30000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'office' })
  try {
    await login(page, who.office.username)
    await page.goto(`${BASE}/supplies/items`)
    await page.locator($('supply-items-add')).click()
    const dialog = page.locator($('supply-item-dialog'))
    await box(dialog, 'supply-item-code').fill(TAKEN)
    await box(dialog, 'supply-item-name').fill('中性笔')
    await box(dialog, 'supply-item-unit').fill('支')
    await box(dialog, 'supply-item-category').fill('书写工具')
    await box(dialog, 'supply-item-reorder').fill('10')
    await dialog.locator($('supply-item-save')).click()
    // 409 duplicate: at the code
    await dialog.locator('[data-field="code"].is-error').waitFor()
    await box(dialog, 'supply-item-code').fill(CODE)
    await dialog.locator($('supply-item-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator($('supply-items-filter-q')).fill(CODE)
    await page.keyboard.press('Enter')
    const list = page.locator($('supply-items-list'))
    await list.getByText(CODE).waitFor()
    await list.getByText('低库存').first().waitFor()
    await list.getByText('0 支').waitFor()
    // the category filter offers every category of the catalog, not only the page's (纸张 is not shown)
    await page.locator($('supply-items-filter-category')).click()
    await page.locator('.el-select-dropdown__item').filter({ visible: true, hasText: /^纸张$/ }).waitFor()
    await page.keyboard.press('Escape')
    await list.getByRole('button', { name: '台账' }).first().click()
    await page.waitForURL(/\/supplies\/items\/\d+/)
    await page.locator($('supply-ledger-closing')).getByText('0 支').waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
