// Browser test of 节假日封存 (issue #15 item 3): the office seals one vehicle for two days
// (picked in the dialog, dates typed in the range picker) and sees the seal listed as 封存中;
// dispatching an approved trip of the first day onto it answers 422 vehicle_sealed in the
// dialog, which offers 申请领导批准: asked, the trip shows the override as 待领导批准; once a
// leader approves (API) the dispatch goes through.
//
// Before it (through the API, fixtures.mjs): an office user, a vehicle of the pool, a driver,
// and a trip of that day requested by staff and approved.
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
let trip

before(async () => {
  const office = await department('办公室')
  const dept = await department('封存测试处')
  who = await people({
    office: { login: 'seal_office', name: '吴车管', dept: office, roles: ['office', 'staff'] },
    leader: { login: 'seal_leader', name: '郑分管', dept: office, roles: ['leader', 'staff'] },
    staff: { login: 'seal_staff', name: '冯科员', dept },
    head: { login: 'seal_head', name: '陈处长', dept, roles: ['dept_head', 'staff'] },
    driver: { login: 'seal_driver', name: '褚师傅', dept: office, roles: ['worker'] },
  })
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
  await api.put(`/drivers/${who.driver.id}`, { licence_class: 'C1', licence_expiry: '2035-12-31' })
  const staff = await apiLogin(who.staff.username)
  trip = await staff.post('/trips', {
    purpose: '防汛检查',
    destination: '市水库',
    passengers: 2,
    start_at: `${FROM}T09:00:00+08:00`,
    end_at: `${FROM}T11:00:00+08:00`,
    est_km: 30,
  })
  // the head, and a leader too when that day is a rest day
  for (const approver of [who.head, who.leader]) {
    if ((await staff.get(`/trips/${trip.id}`)).status !== 'requested') break
    await (await apiLogin(approver.username)).post(`/approvals/${trip.approval_id}/decision`, { decision: 'approve' })
  }
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

    // dispatch onto it: refused, and a leader's approval asked from the dialog
    await page.goto(`${BASE}/vehicles/trips/${trip.id}`)
    await page.locator($('trip-dispatch')).click()
    const dispatch = page.locator($('trip-dispatch-dialog'))
    await dispatch.locator(`${$('trip-dispatch-sealed-vehicle')}[data-id="${vehicle.id}"]`).click()
    await dispatch.locator(`${$('trip-dispatch-driver')}[data-id="${who.driver.id}"]`).click()
    await dispatch.locator($('trip-dispatch-save')).click()
    await dispatch.locator($('trip-dispatch-sealed-error')).filter({ hasText: PLATE }).waitFor()
    await dispatch.locator('input[data-test="trip-seal-ask-reason"]').fill('汛情紧急')
    await dispatch.locator($('trip-seal-ask')).click()
    await dispatch.waitFor({ state: 'hidden' })
    await page.locator(`${$('trip-seal-override')}[data-status="pending"]`).filter({ hasText: '待领导批准' }).waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
  const api = await apiLogin(who.office.username)
  const seals = await api.get(`/vehicle-seals?vehicle_id=${vehicle.id}`)
  assert.equal(seals.total, 1)
  assert.equal(seals.items[0].from, FROM)
  assert.equal(seals.items[0].to, TO)
  const [override] = (await api.get(`/trips/${trip.id}`)).seal_overrides
  await (await apiLogin(who.leader.username)).post(`/approvals/${override.approval_id}/decision`, { decision: 'approve' })
  const done = await api.post(`/trips/${trip.id}/dispatch`, { vehicle_id: vehicle.id, driver_id: who.driver.id })
  assert.equal(done.status, 'dispatched')
})
