// Browser test of 公务用车 (issue #15): a member of staff requests a car on a phone; the
// department head approves it (through the API, as from their 待办); the office dispatches it
// from the 用车日历 on a desktop, where it waits above the lanes, picking a free vehicle and
// driver (a 409 when another trip took them first shows above the lists, which then leave them
// out), and its block in the car's lane opens it; the driver records the departure and the
// return on a 375 px phone (odometer, fuel litres, tolls and parking in yuan) and the monthly
// report shows the trip's km for the car; the requester rates it and the trip shows 已完成, in
// English too; the 已派车 notification opens the trip.
//
// Before it (through the API, fixtures.mjs; the database is a plain `init`): a department with
// its staff member and head, an office user and a leader elsewhere, a worker with a driver
// profile (PUT /drivers/:id) and a vehicle of the pool (POST /vehicles).
//
//   tests/e2e/run.sh tests/e2e/vehicles.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, items, people } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const PHONE = { width: 375, height: 740 }
const DESKTOP = { width: 1366, height: 900 }
const DAY_MS = 24 * 3600 * 1000
// a plate of our own on a reused database: 京A·<5 digits from the stamp>
const PLATE = `京A·${String(parseInt(stamp.slice(-6), 36) % 100000).padStart(5, '0')}`
const DESTINATION = `市政府${stamp.slice(-4)}`

// The next weekday in Shanghai (an in-city day trip then needs the department head only).
function nextWeekday() {
  for (let ms = Date.now() + DAY_MS; ; ms += DAY_MS) {
    const d = new Date(ms + 8 * 3600 * 1000)
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) return d.toISOString().slice(0, 10)
  }
}
const DAY = nextWeekday()

let who
let vehicle
let tripId
let other

before(async () => {
  const dept = await department('用车测试处')
  const office = await department('办公室')
  who = await people({
    staff: { login: 'veh_staff', name: '孙用车', dept },
    head: { login: 'veh_head', name: '钱处长', dept, roles: ['dept_head', 'staff'] },
    office: { login: 'veh_office', name: '李车管', dept: office, roles: ['office', 'staff'] },
    leader: { login: 'veh_leader', name: '周分管', dept: office, roles: ['leader', 'staff'] },
    driver: { login: 'veh_driver', name: '赵师傅', dept: office, roles: ['worker'], phone: '13800138000' },
  })
  const api = await apiLogin(who.office.username)
  vehicle = await api.post('/vehicles', {
    plate: PLATE,
    brand: '红旗',
    model: 'H5',
    seats: 5,
    type: 'sedan',
    energy: 'petrol',
    tank_litres: 55,
    department_id: null,
    status: 'available',
    odometer_km: 12000,
    insurance_expiry: '2027-06-30',
    inspection_due: '2027-03-31',
    purchase_date: '2022-04-01',
    price_fen: 25800000,
  })
  await api.put(`/drivers/${who.driver.id}`, { licence_class: 'C1', licence_expiry: '2035-12-31' })
}, { timeout: 60000 })

// An el-date-picker's box (datetime): typed, then the panel closed.
async function typeDate(page, field, value) {
  const input = page.locator(`[data-field="${field}"] input`)
  await input.fill(value)
  await input.press('Enter')
  await page.keyboard.press('Escape')
}

// The text box of an el-input (which puts data-test on its <input>) or an el-input-number
// (on its wrapper).
const box = (scope, name) =>
  scope.locator(`input${$(name)}, textarea${$(name)}, ${$(name)} input`).first()

const status = (page, code) => page.locator(`${$('trip-detail')} ${$('trip-status')}[data-status="${code}"]`)

test('the office registers a vehicle and reads the pool and the drivers', { timeout: 60000 }, async () => {
  const plate = `京B·${PLATE.slice(-5)}`
  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'office' })
  try {
    await login(page, who.office.username)
    await page.goto(`${BASE}/vehicles/pool`)
    await page.locator(`${$('vehicle-item')}[data-id="${vehicle.id}"]`).waitFor()
    await page.locator($('vehicles-add')).click()
    const dialog = page.locator($('vehicle-dialog'))
    await box(dialog, 'vehicle-plate').fill('京B-1')
    await box(dialog, 'vehicle-brand').fill('别克')
    await box(dialog, 'vehicle-model').fill('GL8')
    await box(dialog, 'vehicle-seats').fill('7')
    await box(dialog, 'vehicle-price').fill('268,000.50')
    await dialog.locator($('vehicle-save')).click()
    // the server's word on the plate shows at the plate
    await dialog.locator('[data-field="plate"].is-error').waitFor()
    await box(dialog, 'vehicle-plate').fill(plate)
    await dialog.locator($('vehicle-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator($('vehicles-list')).getByText(plate).waitFor()
    await page.locator($('vehicles-list')).getByText('¥268,000.50').waitFor()
    await page.locator($('vehicles-list')).getByRole('button', { name: '排班' }).first().click()
    await page.locator($('vehicle-bookings-day')).nth(6).waitFor()
    await page.keyboard.press('Escape')
    await page.locator($('vehicle-bookings')).waitFor({ state: 'hidden' })
    // the vehicle's own page, with its 变更记录
    await page.locator($('vehicles-list')).getByText(plate).click()
    await page.waitForURL(/\/vehicles\/\d+$/)
    await page.locator($('vehicle-detail')).getByText('别克 GL8').waitFor()
    await page.locator($('vehicle-detail')).locator('.el-timeline-item').first().waitFor()

    await page.goto(`${BASE}/vehicles/drivers`)
    await page.locator($('drivers-list')).getByText('赵师傅').first().waitFor()
    await page.locator($('drivers-list')).getByText('2035-12-31').first().waitFor() // other files' drivers share the date
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
  const api = await apiLogin(who.office.username)
  const made = (await api.get('/vehicles?q=GL8')).items.find((v) => v.model === 'GL8')
  assert.equal(made?.price_fen, 26800050)
  assert.equal(made?.seats, 7)
})

test('staff request a car on a phone', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), PHONE, { label: 'staff' })
  try {
    await login(page, who.staff.username)
    await page.goto(`${BASE}/vehicles/trips`)
    await page.locator($('trips-new')).click()
    await page.waitForURL(/\/vehicles\/trips\/new$/)
    // nothing filled: the required fields say so and nothing is sent
    await page.locator($('trip-submit')).click()
    await page.locator('[data-field="purpose"].is-error').waitFor()
    await box(page, 'trip-purpose').fill('参加市政府联席会议')
    await box(page, 'trip-destination').fill(DESTINATION)
    await box(page, 'trip-passengers').fill('2')
    await box(page, 'trip-passenger-names').fill('孙用车、钱处长')
    await typeDate(page, 'start_at', `${DAY} 09:00`)
    await typeDate(page, 'end_at', `${DAY} 12:00`)
    await box(page, 'trip-est-km').fill('40')
    await shot(page, 'vehicles-request-phone')
    await page.locator($('trip-submit')).click()
    await page.waitForURL(/\/vehicles\/trips\/\d+$/)
    tripId = Number(new URL(page.url()).pathname.split('/').pop())
    await status(page, 'requested').filter({ hasText: '待审批' }).waitFor()
    await page.locator($('trip-start-at')).filter({ hasText: `${DAY} 09:00` }).waitFor()
    await page.locator($('trip-approval')).waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('the head approves; the office dispatches a free car and driver', { timeout: 60000 }, async () => {
  assert.ok(tripId, 'the trip was requested')
  const staff = await apiLogin(who.staff.username)
  const trip = await staff.get(`/trips/${tripId}`)
  assert.equal(trip.passengers, 2)
  // the head, and the leader should the calendar make it a rest day after all
  for (const approver of [who.head, who.leader]) {
    if ((await staff.get(`/trips/${tripId}`)).status !== 'requested') break
    const api = await apiLogin(approver.username)
    await api.post(`/approvals/${trip.approval_id}/decision`, { decision: 'approve', comment: '同意' })
  }
  assert.equal((await staff.get(`/trips/${tripId}`)).status, 'approved')
  // another approved trip of that morning, for the same car and driver
  other = await staff.post('/trips', {
    purpose: '取送文件',
    destination: '区政府',
    out_of_city: false,
    passengers: 1,
    start_at: `${DAY}T10:00:00+08:00`,
    end_at: `${DAY}T11:00:00+08:00`,
    est_km: 10,
  })
  await (await apiLogin(who.head.username)).post(`/approvals/${other.approval_id}/decision`, { decision: 'approve', comment: '同意' })
  assert.equal((await staff.get(`/trips/${other.id}`)).status, 'approved')

  const { context, page, problems } = await openPage(browser(), DESKTOP, { label: 'office', acceptDownloads: true })
  try {
    await login(page, who.office.username)
    // 工作台: 待派车 counts it and opens the list of approved trips
    const counter = page.locator($('home-counter-trips_to_dispatch'))
    assert.ok(Number(await counter.getAttribute('data-count')) >= 1)
    await counter.click()
    await page.waitForURL(/\/vehicles\/trips\?status=approved$/)
    // 待派车 exports with its filter
    await page.locator($('trips-export')).click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator($('trips-export-xlsx')).click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    await page.locator(`${$('trip-item')}[data-id="${tripId}"]`).waitFor()
    // 用车日历 of that day: the trip waits above the lanes and is dispatched from there
    await page.goto(`${BASE}/vehicles/calendar?view=day&date=${DAY}`)
    const waiting = page.locator(`${$('calendar-unassigned-trip')}[data-id="${tripId}"]`)
    await waiting.locator($('calendar-dispatch')).click()
    const dialog = page.locator($('trip-dispatch-dialog'))
    await dialog.locator(`${$('trip-dispatch-vehicle')}[data-id="${vehicle.id}"]`).click()
    await dialog.locator(`${$('trip-dispatch-driver')}[data-id="${who.driver.id}"]`).click()
    // meanwhile the same car and driver go to another trip of that morning: 409 names it
    const office = await apiLogin(who.office.username)
    await office.post(`/trips/${other.id}/dispatch`, { vehicle_id: vehicle.id, driver_id: who.driver.id })
    await dialog.locator($('trip-dispatch-save')).click()
    await dialog.locator($('trip-dispatch-conflict')).filter({ hasText: other.code }).waitFor()
    // the lists afresh: that car is no longer among the free ones
    await dialog.locator(`${$('trip-dispatch-vehicle')}[data-id="${vehicle.id}"]`).waitFor({ state: 'detached' })
    // that trip is called off: the car is free again
    await office.post(`/trips/${other.id}/cancel`, { reason: '会议改期' })
    await dialog.getByRole('button', { name: '取消' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await waiting.locator($('calendar-dispatch')).click()
    await dialog.locator(`${$('trip-dispatch-vehicle')}[data-id="${vehicle.id}"]`).click()
    await dialog.locator(`${$('trip-dispatch-driver')}[data-id="${who.driver.id}"]`).click()
    await shot(page, 'vehicles-dispatch')
    await dialog.locator($('trip-dispatch-save')).click()
    // the trip leaves 待派车 and shows as a block in the car's lane, which opens it
    await waiting.waitFor({ state: 'detached' })
    const block = page.locator(`${$('calendar-lane')}[data-id="${vehicle.id}"] ${$('calendar-block')}[data-trip="${tripId}"]`)
    await block.waitFor()
    await shot(page, 'vehicles-calendar')
    await block.click()
    await page.waitForURL(new RegExp(`/vehicles/trips/${tripId}$`))
    await status(page, 'dispatched').filter({ hasText: '已派车' }).waitFor()
    await page.locator($('trip-plate')).filter({ hasText: PLATE }).waitFor()
    await page.locator($('trip-driver')).filter({ hasText: '赵师傅' }).waitFor()
    // the 派车单 on A4
    await page.locator($('trip-print')).click()
    await page.locator($('print-sheet')).filter({ hasText: '公务用车派车单' }).filter({ hasText: PLATE }).waitFor()
    await shot(page, 'vehicles-print')
    await page.locator($('print-back')).click()
    await status(page, 'dispatched').waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('the driver records departure and return on a phone', { timeout: 60000 }, async () => {
  assert.ok(tripId, 'the trip was requested')
  const { context, page, problems } = await openPage(browser(), PHONE, { label: 'driver' })
  try {
    await login(page, who.driver.username)
    // 工作台: 我的出车任务 opens the trips dispatched to them
    await page.locator($('home-counter-trips_my_tasks')).click()
    await page.waitForURL(/\/vehicles\/trips\?mine=1$/)
    await page.locator(`${$('trip-item')}[data-id="${tripId}"]`).click()
    await page.waitForURL(new RegExp(`/vehicles/trips/${tripId}$`))

    await page.locator($('trip-depart')).click()
    const out = page.locator($('trip-depart-dialog'))
    await box(out, 'trip-odometer').fill('12010')
    await out.locator($('trip-depart-save')).click()
    await status(page, 'on_trip').filter({ hasText: '出车中' }).waitFor()

    await page.locator($('trip-return')).click()
    const back = page.locator($('trip-return-dialog'))
    await box(back, 'trip-odometer').fill('12085')
    await box(back, 'trip-fuel').fill('20.5')
    await box(back, 'trip-tolls').fill('35')
    await box(back, 'trip-parking').fill('12.50')
    await shot(page, 'vehicles-return-phone')
    await back.locator($('trip-return-save')).click()
    await status(page, 'returned').filter({ hasText: '已还车' }).waitFor()
    await page.locator($('trip-distance')).filter({ hasText: '75 公里' }).waitFor()
    await page.locator($('trip-fuel-shown')).filter({ hasText: '20.50' }).waitFor()
    await page.locator($('trip-tolls-shown')).filter({ hasText: '¥35.00' }).waitFor()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= PHONE.width, `the trip's page is ${width}px wide on a phone`)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
  const staff = await apiLogin(who.staff.username)
  const trip = await staff.get(`/trips/${tripId}`)
  assert.equal(trip.fuel_litres_x100, 2050)
  assert.equal(trip.tolls_fen, 3500)
  assert.equal(trip.parking_fen, 1250)
  // 车辆运行月报 of the month it departed in (this month) counts its 75 km for the car
  const desk = await openPage(browser(), DESKTOP, { label: 'office', acceptDownloads: true })
  try {
    await login(desk.page, who.office.username)
    await desk.page.goto(`${BASE}/vehicles/report`)
    await desk.page.locator(`${$('report-vehicle')}[data-id="${vehicle.id}"][data-km="75"]`).waitFor()
    await shot(desk.page, 'vehicles-report')
    // each part exports on its own: 驾驶员 · 导出 CSV is the drivers' file
    await desk.page.locator($('report-export')).click()
    const [file] = await Promise.all([
      desk.page.waitForEvent('download'),
      desk.page.locator($('report-export-drivers-csv')).click(),
    ])
    assert.match(file.suggestedFilename(), /^驾驶员月报.*\.csv$/)
    assert.deepEqual(desk.problems, [])
  } finally {
    await desk.context.close()
  }
})

test('the requester rates it and the trip shows 已完成', { timeout: 60000 }, async () => {
  assert.ok(tripId, 'the trip was requested')
  const notes = items(await (await apiLogin(who.staff.username)).get('/notifications'))
  const dispatchedNote = notes.find((n) => n.kind === 'trip.dispatched' && n.entity === 'vehicle_trip' && n.entity_id === tripId)
  assert.ok(dispatchedNote, `a trip.dispatched notification: ${JSON.stringify(notes.map((n) => n.kind))}`)
  const { context, page, problems } = await openPage(browser(), PHONE, { label: 'staff' })
  try {
    await login(page, who.staff.username)
    await page.goto(`${BASE}/vehicles/trips/${tripId}`)
    await page.locator($('trip-rate')).click()
    const dialog = page.locator($('trip-rate-dialog'))
    await dialog.locator('.el-rate__item').nth(4).click()
    await box(dialog, 'trip-comment').fill('准时，驾驶平稳。')
    await dialog.locator($('trip-rate-save')).click()
    await status(page, 'closed').filter({ hasText: '已完成' }).waitFor()
    await shot(page, 'vehicles-closed-phone')
    // in English
    await page.locator($('lang-switch')).click()
    await page.locator($('lang-en')).click()
    await status(page, 'closed').filter({ hasText: 'Completed' }).waitFor()
    await page.goto(`${BASE}/vehicles/trips`)
    await page.getByRole('heading', { name: 'My trips' }).waitFor()
    await page.locator(`${$('trip-item')}[data-id="${tripId}"]`).filter({ hasText: 'Completed' }).waitFor()
    // the inbox's 已派车 notification opens the trip
    await page.goto(`${BASE}/notifications`)
    await page.locator(`${$('notify-item')}[data-id="${dispatchedNote.id}"]`).click()
    await page.waitForURL(new RegExp(`/vehicles/trips/${tripId}$`))
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
  const staff = await apiLogin(who.staff.username)
  assert.equal((await staff.get(`/trips/${tripId}`)).rating, 5)
})

test('the requester cancels a request with the reason, which the trip then shows', { timeout: 60000 }, async () => {
  const staff = await apiLogin(who.staff.username)
  const trip = await staff.post('/trips', {
    purpose: '调研',
    destination: '开发区',
    out_of_city: false,
    passengers: 3,
    start_at: `${DAY}T14:00:00+08:00`,
    end_at: `${DAY}T17:00:00+08:00`,
    est_km: 30,
  })
  const { context, page, problems } = await openPage(browser(), PHONE, { label: 'staff' })
  try {
    await login(page, who.staff.username)
    await page.goto(`${BASE}/vehicles/trips/${trip.id}`)
    await status(page, 'requested').waitFor()
    await page.locator($('trip-cancel')).click()
    const box = page.locator('.el-message-box')
    // no reason, no cancelling
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await box.locator('.el-message-box__errormsg').filter({ visible: true }).waitFor()
    await box.locator('input').fill('调研改为线上')
    await box.locator('.el-message-box__btns .el-button--primary').click()
    // (in English: the previous test chose it for this user)
    await status(page, 'cancelled').filter({ hasText: 'Cancelled' }).waitFor()
    await page.locator($('trip-cancel-reason')).filter({ hasText: '调研改为线上' }).waitFor()
    assert.equal(await page.locator($('trip-cancel')).count(), 0)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
