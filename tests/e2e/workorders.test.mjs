// Browser test of 报修 (work orders) on a 375 px phone, the way the issue tells it:
// a staff user scans a room's QR code (/m/report?location=<id>), reports with a photo;
// the office (another browser) accepts and dispatches to a worker; the worker starts
// and resolves on 我的任务 on their phone; the requester's open order page shows each
// step appear without a reload, then rates 5 stars; 报修统计 counts the order.
//
// Before it (through the API, fixtures.mjs workorderWorld): staff1 许晓明 (requester),
// office 王建国, workers 蒋师傅 (worker1) …, a building with rooms, two teams, three
// categories, and four earlier orders in several states so lists and statistics are not empty.
//
// Needs (see lib.mjs): run by tests/e2e/run.sh; screenshots go to
// tests/e2e/out/workorders-*.png.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { deflateSync } from 'node:zlib'
import { orders, workorderWorld } from './fixtures.mjs'
import { $, BASE, WAIT, exportName, login, openPage, shot as shotFile, stamp, useBrowser, within } from './lib.mjs'

const PHONE = { width: 375, height: 812 }
const DESKTOP = { width: 1280, height: 860 }
const browser = useBrowser()
const shot = (page, name) => shotFile(page, `workorders-${name}`)
let world

before(async () => {
  world = await workorderWorld()
  const [water, doors, air] = world.categories
  const [r101, r102, r201, r202] = world.rooms
  await orders(world, [
    { category: doors, room: r102, title: '档案室门锁损坏', rating: 4 },
    { category: air, room: r201, title: '会议室空调不制冷', priority: 'high', until: 'in_progress', worker: world.who.worker3 },
    { category: water, room: r202, title: '办公室暖气片漏水', until: 'accepted' },
    { category: water, room: r101, title: '接待室灯管闪烁', until: 'submitted' },
  ])
}, { timeout: 120000 })

// ---------- a small PNG, made here (no fixture files) ----------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
// A size×size RGB PNG: a diagonal gradient in the given hue, so photos differ.
function png(size, [r, g, b]) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const rows = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3)
    for (let x = 0; x < size; x++) {
      const k = (x + y) / (2 * size)
      row[1 + x * 3] = Math.round(r * (1 - k) + 255 * k)
      row[2 + x * 3] = Math.round(g * (1 - k) + 255 * k)
      row[3 + x * 3] = Math.round(b * (1 - k) + 255 * k)
    }
    rows.push(row)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// ---------- people and the API as them ----------
// key: one of the people of the world (world.who.<key>).
async function signIn(key, viewport = PHONE) {
  const { context, page, problems } = await openPage(browser(), viewport, { label: key, timezoneId: 'Asia/Shanghai', acceptDownloads: true })
  await login(page, world.who[key].username)
  const me = await (await context.request.get(`${BASE}/api/v1/me`)).json()
  // JSON over the API with this person's cookies (and CSRF token on writes).
  const call = async (method, path, body) => {
    const res = await context.request.fetch(`${BASE}/api/v1${path}`, {
      method,
      headers: method === 'GET' ? {} : { 'X-CSRF-Token': me.csrf_token },
      data: body,
    })
    const text = await res.text()
    const json = text ? JSON.parse(text) : {}
    if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${text}`)
    return json
  }
  return { context, page, problems, user: me.user, api: call, phone: viewport.width < 768 }
}

// The requester's open order page: wait for a timeline step to appear (live, no reload).
async function seesStep(page, action, status) {
  await page.locator(`${$('wo-event')}[data-action="${action}"]`).waitFor({ timeout: WAIT })
  if (status) await page.locator(`${$('wo-detail')} ${$('wo-status')}[data-status="${status}"]`).first().waitFor({ timeout: WAIT })
}

// 报修统计 through the menu: the total it shows once its figures have loaded.
async function statsShown(page) {
  const loaded = page.waitForResponse((r) => r.url().includes('/api/v1/workorders/stats') && r.ok())
  await page.locator($('menu-workorderStats')).click()
  await page.waitForURL(/\/workorders\/stats/)
  const { total } = await (await loaded).json()
  await page.locator($('kpi-total-value')).filter({ hasText: new RegExp(`^\\s*${total}\\s*$`) }).waitFor()
  return total
}

async function assertFitsPhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= PHONE.width, `${what} is ${width}px wide at ${PHONE.width}px`)
}

test('QR report with a photo → accept, dispatch → worker resolves on the phone → requester watches live and rates 5', { timeout: 240000 }, async () => {
  const people = []
  const title = `卫生间水龙头漏水 ${stamp}`
  try {
    const staff = await signIn('staff1', PHONE)
    const office = await signIn('office', DESKTOP)
    const worker = await signIn('worker1', PHONE)
    people.push(staff, office, worker)
    // The requester reports in room 301; the category's team has the worker.
    const room = world.rooms.find((r) => r.name.startsWith('301'))
    const category = world.categories[0]
    const before = await office.api('GET', '/workorders/stats')
    const shownBefore = await statsShown(office.page)

    // ---- 1. the requester scans the room's QR code: the form opens with the place filled in
    const sp = staff.page
    await sp.locator($('home-report')).waitFor() // the home page's 我要报修 shortcut
    await shot(sp, '0-home-phone')
    await sp.goto(`${BASE}/m/report?location=${room.id}`)
    const fixed = sp.locator($('wo-location-path'))
    await fixed.waitFor()
    assert.match(await fixed.innerText(), new RegExp(`${room.name}$`))
    if (room.path) assert.equal((await fixed.innerText()).trim(), room.path)
    await assertFitsPhone(sp, 'the report form')
    await shot(sp, '1-qr-form')

    await sp.locator($(`wo-category-${category.id}`)).click()
    await sp.locator($('wo-title')).fill(title)
    await sp.locator($('wo-description')).fill('洗手池水龙头一直滴水，关不紧。')
    assert.equal(await sp.locator(`${$('wo-priority-normal')}.is-active`).count(), 1, '普通 is the default priority')

    // Not an image: the server's 415 shows on the photo's tile; then a real photo.
    const input = sp.locator($('wo-photo-input'))
    await input.setInputFiles({ name: '说明.png', mimeType: 'image/png', buffer: Buffer.from('这不是图片') })
    const bad = sp.locator(`${$('wo-photo-tile')}[data-state="error"]`)
    await bad.waitFor()
    assert.ok((await bad.innerText()).trim().length > 0, 'the refusal is explained')
    await shot(sp, '2-photo-refused')
    await bad.locator($('wo-photo-remove')).click()
    await bad.waitFor({ state: 'detached' })
    await input.setInputFiles({ name: '水龙头.png', mimeType: 'image/png', buffer: png(64, [30, 120, 200]) })
    await sp.locator(`${$('wo-photo-tile')}[data-state="done"]`).waitFor()
    await shot(sp, '3-form-filled')

    await sp.locator($('wo-submit-button')).click()
    await sp.waitForURL(/\/workorders\/\d+$/)
    const id = Number(new URL(sp.url()).pathname.split('/').pop())
    await seesStep(sp, 'create', 'submitted')
    assert.equal((await sp.locator($('wo-title-shown')).innerText()).trim(), title)
    await sp.locator($('wo-photo')).first().waitFor()
    await sp.locator(`${$('wo-photo')} img`).first().waitFor()
    assert.ok(await sp.locator(`${$('wo-photo')} img`).first().evaluate((img) => img.complete && img.naturalWidth === 64), 'the photo loads from the server')
    await sp.locator($('wo-action-cancel')).waitFor() // the requester may cancel before acceptance
    assert.equal(await sp.locator($('wo-action-accept')).count(), 0, 'the requester cannot accept')
    await sp.evaluate(() => (window.__e2eSamePage = true))
    await assertFitsPhone(sp, 'the order page')
    await shot(sp, '4-submitted')

    // ---- 2. the office finds it in 受理派单, accepts and dispatches to the worker
    const op = office.page
    await op.locator($('menu-workorderQueue')).click()
    await op.waitForURL(/\/workorders\/queue/)
    await op.locator($('wo-filter-q')).fill(stamp)
    await op.locator($('wo-filter-apply')).click()
    const row = op.locator(`${$('wo-item')}[data-id="${id}"]`)
    await row.waitFor()
    await shot(op, '5-office-queue')
    // The filtered queue exports to Excel.
    await op.locator($('wo-export')).click()
    const [download] = await Promise.all([op.waitForEvent('download'), op.locator($('wo-export-xlsx')).click()])
    assert.equal(download.suggestedFilename(), exportName('报修工单列表', 'xlsx'))
    const xlsx = await within(WAIT, download.createReadStream(), 'the XLSX download')
    const head = await within(WAIT, new Promise((resolve, reject) => xlsx.once('data', resolve).once('error', reject)), 'the XLSX bytes')
    assert.equal(head.subarray(0, 2).toString(), 'PK', 'an XLSX (zip) file')
    await row.click()
    await op.waitForURL(new RegExp(`/workorders/${id}$`))
    await op.locator($('wo-action-accept')).click()
    await op.locator(`${$('wo-status')}[data-status="accepted"]`).first().waitFor()
    await seesStep(sp, 'accept', 'accepted')

    await op.locator($('wo-action-dispatch')).click()
    const dispatch = op.locator($('wo-dialog-dispatch'))
    await dispatch.waitFor()
    await dispatch.locator($('wo-worker-select')).click()
    // the worker under this test's team (other tests' workers may share the name)
    await op
      .locator('.wo-worker-popper .el-select-group__wrap')
      .filter({ has: op.locator('.el-select-group__title', { hasText: world.teams[0].name }) })
      .locator('.el-select-dropdown__item')
      .filter({ visible: true })
      .filter({ hasText: worker.user.display_name })
      .first()
      .click()
    await shot(op, '6-dispatch-dialog')
    await dispatch.locator($('wo-dialog-submit')).click()
    await dispatch.waitFor({ state: 'hidden' })
    await op.locator(`${$('wo-status')}[data-status="dispatched"]`).first().waitFor()
    await op.locator($('entity-history')).waitFor()
    await shot(op, '7-office-dispatched')
    await seesStep(sp, 'dispatch', 'dispatched')
    assert.match(await sp.locator($('wo-worker')).innerText(), new RegExp(worker.user.display_name))

    // ---- 3. the worker, on the phone: 我的任务 → 开始处理 → 完工 with notes, parts, a photo
    const wp = worker.page
    await wp.locator($('menu-toggle')).click()
    await wp.locator($('menu-workorderTasks')).click()
    await wp.waitForURL(/\/workorders\/tasks$/)
    const card = wp.locator(`${$('wo-task')}[data-id="${id}"]`)
    await card.waitFor()
    await assertFitsPhone(wp, '我的任务')
    await shot(wp, '8-worker-tasks')
    const startButton = card.locator($('wo-action-start'))
    const box = await startButton.boundingBox()
    assert.ok(box.height >= 44, `the start button is a touch target (${box.height}px high)`)
    await startButton.click()
    await wp.locator(`${$('wo-task')}[data-id="${id}"][data-status="in_progress"]`).waitFor()
    await seesStep(sp, 'start', 'in_progress')

    await wp.locator(`${$('wo-task')}[data-id="${id}"]`).locator($('wo-action-resolve')).click()
    const resolve = wp.locator($('wo-dialog-resolve'))
    await resolve.waitFor()
    await resolve.locator($('wo-dialog-submit')).click()
    await resolve.getByText('请填写处理情况').waitFor() // notes are required
    await resolve.locator($('wo-notes')).fill('更换水龙头阀芯，试水正常。')
    await resolve.locator($('wo-parts')).fill('水龙头阀芯 1 个')
    await resolve.locator($('wo-photo-input')).setInputFiles({ name: '完工.png', mimeType: 'image/png', buffer: png(48, [40, 170, 90]) })
    await resolve.locator(`${$('wo-photo-tile')}[data-state="done"]`).waitFor()
    await shot(wp, '9-worker-resolve')
    await resolve.locator($('wo-dialog-submit')).click()
    await resolve.waitFor({ state: 'hidden' })
    await card.waitFor({ state: 'detached' }) // no longer a task to do
    await shot(wp, '10-worker-done')

    // ---- 4. the requester saw every step arrive, then confirms with 5 stars
    await seesStep(sp, 'resolve', 'resolved')
    assert.match(await sp.locator($('wo-notes-shown')).innerText(), /更换水龙头阀芯/)
    assert.equal(await sp.evaluate(() => window.__e2eSamePage), true, 'the requester page was not reloaded')
    const steps = await sp.locator($('wo-event')).evaluateAll((els) => els.map((e) => e.dataset.action))
    assert.deepEqual(steps, ['create', 'accept', 'dispatch', 'start', 'resolve'])
    await shot(sp, '11-requester-live')

    await sp.locator($('wo-action-confirm')).click()
    const confirm = sp.locator($('wo-dialog-confirm'))
    await confirm.waitFor()
    await confirm.locator(`${$('wo-rate')} .el-rate__item`).nth(4).click()
    await confirm.locator($('wo-comment')).fill('修得又快又好，谢谢师傅！')
    await shot(sp, '12-rate')
    await confirm.locator($('wo-dialog-submit')).click()
    await confirm.waitFor({ state: 'hidden' })
    await seesStep(sp, 'confirm', 'confirmed')
    await sp.locator(`${$('wo-rating')}[data-rating="5"]`).waitFor()
    await assertFitsPhone(sp, 'the confirmed order')
    await shot(sp, '13-confirmed')

    // 我的报修 on the phone lists it as confirmed.
    await sp.locator($('menu-toggle')).click()
    await sp.locator($('menu-workorderMine')).click()
    await sp.waitForURL(/\/workorders\/mine/, { waitUntil: 'commit' })
    await sp.locator(`${$('wo-item')}[data-id="${id}"]`).filter({ has: sp.locator(`${$('wo-status')}[data-status="confirmed"]`) }).waitFor()
    await assertFitsPhone(sp, '我的报修')
    await shot(sp, '14-mine-phone')

    const order = await staff.api('GET', `/workorders/${id}`)
    assert.equal(order.status, 'confirmed')
    assert.equal(order.rating, 5)
    assert.equal(order.worker?.id, worker.user.id)
    assert.equal(order.location?.id, room.id)
    assert.ok(order.photos.length >= 2, 'the report photo and the work photo')

    // ---- 5. 报修统计 counts it
    const after = await office.api('GET', '/workorders/stats')
    assert.equal(after.total, before.total + 1)
    assert.equal(after.by_status?.confirmed ?? 0, (before.by_status?.confirmed ?? 0) + 1)
    const shownAfter = await statsShown(op)
    assert.equal(shownAfter, shownBefore + 1, `报修统计 counted ${shownBefore}, now ${shownAfter}`)
    await shot(op, '15-stats')

    assert.deepEqual(people.flatMap((p) => p.problems), [])
  } finally {
    for (const p of people) await p.context.close()
  }
})
