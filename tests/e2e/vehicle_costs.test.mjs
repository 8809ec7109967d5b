// Browser test of 车辆费用 (issue #15 item 5): the office registers a maintenance cost of a
// department's vehicle at a 定点 garage in the 登记费用 dialog (amount typed in yuan); the
// list shows it, charged to the department; the department's 公务用车运行维护费 line has
// spent it (the budget engine, read through the API).
//
// Before it (through the API, fixtures.mjs; a plain `init`): a department with a 30231 line
// made by finance, an office user, a vehicle of the department and a 定点 garage.
//
//   tests/e2e/run.sh tests/e2e/vehicle_costs.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, items, people } from './fixtures.mjs'
import { $, BASE, login, openPage, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const PLATE = `京C·${String(parseInt(stamp.slice(-6), 36) % 100000).padStart(5, '0')}`
const GARAGE = `顺达定点维修厂${stamp.slice(-4)}`
const YEAR = Number(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 4))

let who
let line

before(async () => {
  const dept = await department('费用测试处')
  const office = await department('办公室')
  who = await people({
    office: { login: 'cost_office', name: '李车管', dept: office, roles: ['office', 'staff'] },
    finance: { login: 'cost_fin', name: '王会计', dept: office, roles: ['finance', 'staff'] },
  })
  const fin = await apiLogin(who.finance.username)
  const cls = items(await fin.get('/budget-classes')).find((c) => c.code === '30231')
  line = await fin.post('/budget-lines', { year: YEAR, department_id: dept.id, class_id: cls.id, amount_fen: 5000000, control: 'stop' })
  const api = await apiLogin(who.office.username)
  await api.post('/vehicles', { plate: PLATE, brand: '红旗', model: 'H5', seats: 5, type: 'sedan', energy: 'petrol', tank_litres: 55, department_id: dept.id })
  await api.post('/vehicle-vendors', { name: GARAGE, kind: 'garage', designated: true })
}, { timeout: 60000 })

async function pick(page, select, text) {
  await select.click()
  const item = await page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: text }).first().elementHandle()
  await item.click()
  await item.waitForElementState('hidden')
}

test('the office registers a cost at a 定点 garage and sees it charged', { timeout: 30000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'office' })
  try {
    await login(page, who.office.username)
    await page.goto(`${BASE}/vehicles/costs`)
    await page.locator($('costs-page')).waitFor()
    await page.locator($('costs-new')).click()
    const dialog = page.locator($('cost-dialog'))
    await pick(page, dialog.locator($('cost-vehicle')), PLATE)
    await pick(page, dialog.locator($('cost-kind')), '保养')
    await dialog.locator(`input${$('cost-amount')}`).fill('1,280.50')
    await pick(page, dialog.locator($('cost-vendor')), GARAGE)
    await dialog.locator(`input${$('cost-note')}`).fill('两万公里保养')
    await dialog.locator($('cost-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    const list = page.locator($('costs-list'))
    await list.getByText('¥1,280.50').waitFor()
    await list.getByText(GARAGE).waitFor()
    await list.getByText('费用测试处').first().waitFor()

    const fin = await apiLogin(who.finance.username)
    const after = items(await fin.get('/budget-lines?per_page=100')).find((l) => l.id === line.id)
    assert.equal(after.spent_fen, 128050)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
