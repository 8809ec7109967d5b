// Browser test of the supervisor's 用车异常 (issue #15 item 4): a trip departs with 5 km on the
// odometer that no trip logged (through the API: requested, approved, dispatched, departed);
// the supervisor follows the 工作台's 待核查 counter, finds the flag of that vehicle with its
// summary and evidence, and marks it 已核查 with a note.
//
//   tests/e2e/run.sh tests/e2e/vehicle_flags.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, people } from './fixtures.mjs'
import { $, BASE, login, openPage, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const DESKTOP = { width: 1366, height: 900 }
const DAY_MS = 24 * 3600 * 1000
const PLATE = `京F·${String(parseInt(stamp.slice(-6), 36) % 100000).padStart(5, '0')}`

// The next weekday in Shanghai.
function nextWeekday() {
  for (let ms = Date.now() + DAY_MS; ; ms += DAY_MS) {
    const d = new Date(ms + 8 * 3600 * 1000)
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) return d.toISOString().slice(0, 10)
  }
}
const DAY = nextWeekday()

let who
let vehicle

before(async () => {
  const dept = await department('用车核查处')
  const office = await department('办公室')
  who = await people({
    staff: { login: 'flag_staff', name: '孙出车', dept },
    head: { login: 'flag_head', name: '钱处', dept, roles: ['dept_head', 'staff'] },
    office: { login: 'flag_office', name: '李办', dept: office, roles: ['office', 'staff'] },
    leader: { login: 'flag_leader', name: '周领导', dept: office, roles: ['leader', 'staff'] },
    sup: { login: 'flag_sup', name: '吴纪检', dept: office, roles: ['supervisor'] },
    driver: { login: 'flag_driver', name: '郑师傅', dept: office, roles: ['worker'] },
  })
  const ofc = await apiLogin(who.office.username)
  vehicle = await ofc.post('/vehicles', {
    plate: PLATE, brand: '红旗', model: 'H5', seats: 5, type: 'sedan', energy: 'petrol', tank_litres: 55,
    department_id: null, status: 'available', odometer_km: 12000,
  })
  await ofc.put(`/drivers/${who.driver.id}`, { licence_class: 'C1', licence_expiry: '2035-12-31' })
  const staff = await apiLogin(who.staff.username)
  const trip = await staff.post('/trips', {
    purpose: '送达法律文书', destination: '区法院', out_of_city: false, passengers: 1,
    start_at: `${DAY}T09:00:00+08:00`, end_at: `${DAY}T11:00:00+08:00`, est_km: 20,
  })
  for (const approver of [who.head, who.leader]) {
    if ((await staff.get(`/trips/${trip.id}`)).status !== 'requested') break
    await (await apiLogin(approver.username)).post(`/approvals/${trip.approval_id}/decision`, { decision: 'approve' })
  }
  await ofc.post(`/trips/${trip.id}/dispatch`, { vehicle_id: vehicle.id, driver_id: who.driver.id })
  await (await apiLogin(who.driver.username)).post(`/trips/${trip.id}/depart`, { odometer_km: 12005 })
}, { timeout: 60000 })

test('the supervisor reviews an odometer gap', { timeout: 30000 }, async () => {
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'supervisor' })
  try {
    await login(page, who.sup.username)
    const counter = page.locator($('home-counter-trip_flags_unreviewed'))
    assert.ok(Number(await counter.getAttribute('data-count')) >= 1)
    await counter.click()
    await page.waitForURL(/\/vehicles\/flags\?reviewed=0$/)
    await page.goto(`${BASE}/vehicles/flags?vehicle_id=${vehicle.id}`)
    const item = page.locator($('flag-item')).filter({ hasText: PLATE })
    await item.locator($('flag-summary')).filter({ hasText: '比上次记录的 12000 公里多出 5 公里' }).waitFor()
    await item.getByText('里程不明增加').waitFor()
    await item.locator($('flag-review')).click()
    const dialog = page.locator($('flag-review-dialog'))
    await dialog.locator($('flag-review-save')).click()
    await dialog.locator('[data-field="note"].is-error').waitFor()
    await dialog.locator(`textarea${$('flag-note')}`).fill('已核实：车辆送修试车')
    await dialog.locator($('flag-review-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    await item.locator($('flag-reviewed')).filter({ hasText: '已核实：车辆送修试车' }).waitFor()
    assert.equal(await item.locator($('flag-review')).count(), 0)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
  const api = await apiLogin(who.sup.username)
  const flags = await api.get(`/trip-flags?vehicle_id=${vehicle.id}&reviewed=1`)
  assert.equal(flags.total, 1)
  assert.equal(flags.items[0].review_note, '已核实：车辆送修试车')
})
