// Browser test of 节假日封存 (issue #15 item 3): the office seals one vehicle for two days
// (picked in the dialog, dates typed in the range picker) and sees the seal listed as 封存中;
// the server holds one seal for that vehicle with those days.
//
// Before it (through the API, fixtures.mjs): an office user and a vehicle of the pool.
//
//   tests/e2e/run.sh tests/e2e/vehicle_seals.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, people } from './fixtures.mjs'
import { $, BASE, login, openPage, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const DAY_MS = 24 * 3600 * 1000
const PLATE = `京C·${String(parseInt(stamp.slice(-6), 36) % 100000).padStart(5, '0')}`
// Shanghai's date d days from now
const dateIn = (d) => new Date(Date.now() + d * DAY_MS + 8 * 3600 * 1000).toISOString().slice(0, 10)
const FROM = dateIn(1)
const TO = dateIn(2)

let who
let vehicle

before(async () => {
  const office = await department('办公室')
  who = await people({ office: { login: 'seal_office', name: '吴车管', dept: office, roles: ['office', 'staff'] } })
  const api = await apiLogin(who.office.username)
  vehicle = await api.post('/vehicles', {
    plate: PLATE,
    brand: '红旗',
    model: 'H5',
    seats: 5,
    type: 'sedan',
    energy: 'petrol',
    status: 'available',
    odometer_km: 100,
  })
}, { timeout: 60000 })

test('the office seals a vehicle for two days and sees it listed', { timeout: 30000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'office' })
  try {
    await login(page, who.office.username)
    await page.goto(`${BASE}/vehicles/seals`)
    await page.locator($('seals-page')).waitFor()
    await page.locator($('seals-new')).click()
    const dialog = page.locator($('seal-dialog'))
    await dialog.locator($('seal-scope-some')).click()
    await dialog.locator($('seal-vehicles')).click()
    await page.getByRole('option', { name: `${PLATE} 红旗 H5` }).click()
    await page.keyboard.press('Escape')
    const dates = dialog.locator(`${$('seal-range')} input`)
    await dates.nth(0).fill(FROM)
    await dates.nth(1).fill(TO)
    await dates.nth(1).press('Enter')
    await dialog.locator('input[data-test="seal-reason"]').fill('节假日封存')
    await dialog.locator($('seal-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    const row = page.locator($('seals-list')).locator('.el-table__row').filter({ hasText: PLATE })
    await row.filter({ hasText: `${FROM} – ${TO}` }).filter({ hasText: '封存中' }).waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
  const api = await apiLogin(who.office.username)
  const seals = await api.get(`/vehicle-seals?vehicle_id=${vehicle.id}`)
  assert.equal(seals.total, 1)
  assert.equal(seals.items[0].from, FROM)
  assert.equal(seals.items[0].to, TO)
})
