// Stored XSS in the browser: a work order whose title and description are HTML/script
// payloads renders them as plain text on the order page and in 受理派单 (the office's
// queue, also its hover tooltip), and no script runs: no dialog ever opens, no <img src=x>
// element appears, no page error. The API returns such text as given (test_injection.c);
// escaping is the UI's job, and this checks it does it.
//
// Before it (through the API, fixtures.mjs): office 王建国 and a worker, a building with a
// room, a team and a category, so the office can report an order.
//
// Needs (see lib.mjs): run by tests/e2e/run.sh.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, building, category, department, people, team } from './fixtures.mjs'
import { $, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
let who, room, cat

before(async () => {
  const logistics = await department('机关后勤服务中心')
  who = await people({
    office: { name: '王建国', dept: logistics, roles: ['office', 'staff'] },
    worker: { name: '蒋师傅', dept: logistics, roles: ['worker', 'staff'] },
  })
  const office = await apiLogin(who.office.username)
  room = (await building(office, '综合办公楼', { '1层': ['101'] })).rooms[0]
  cat = await category(office, '水电维修', await team(office, '水电班', [who.worker]))
}, { timeout: 120000 })

test('script and img payloads in a work order render as text, nothing runs', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 860 }, { label: 'office' })
  const dialogs = []
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`)
    await d.dismiss()
  })
  // A load of the payload's <img src=x> would be a request for a path ending in /x.
  const xRequests = []
  page.on('request', (r) => /\/x(\?|$)/.test(new URL(r.url()).pathname + new URL(r.url()).search) && xRequests.push(r.url()))
  await login(page, who.office.username)
  const office = await apiLogin(who.office.username)
  const title = `<img src=x onerror=alert(1)>${stamp}<script>alert(2)</script>`
  const description = `<script>alert(3)</script><img src=x onerror=alert(4)> ${stamp}`
  const order = await office.post('/workorders', {
    category_id: cat.id,
    location_id: room.id,
    title,
    description,
    priority: 'normal',
    contact_phone: '13800000000',
  })
  assert.equal(order.title, title, 'the API returns the title as given')

  const noImgX = async (where) => {
    assert.equal(await page.locator('img[src="x"]').count(), 0, `${where}: an <img src=x> element was created`)
    assert.equal(await page.locator('script:text("alert")').count(), 0, `${where}: a <script> element was created`)
  }

  // the order page: title and description as text
  await page.goto(`${BASE}/workorders/${order.id}`)
  const shown = page.locator($('wo-title-shown'))
  await shown.waitFor()
  assert.equal(await shown.textContent(), title)
  await page.locator($('wo-info')).getByText(description, { exact: true }).waitFor()
  await noImgX('order page')
  await shot(page, 'xss-order')

  // 受理派单 (the office's queue), searched for this order; the row and its tooltip
  await page.goto(`${BASE}/workorders/queue?status=&q=${encodeURIComponent(stamp)}`)
  const row = page.locator(`${$('wo-list')} tr`).filter({ has: page.locator(`${$('wo-item')}[data-id="${order.id}"]`) })
  await row.waitFor()
  await row.getByText(title, { exact: true }).first().waitFor()
  await row.getByText(title, { exact: true }).first().hover()
  // the overflow tooltip shows the whole title, as text
  await page.locator('.el-popper').filter({ visible: true }).getByText(title, { exact: true }).waitFor()
  await noImgX('受理派单')
  await shot(page, 'xss-queue')

  // A marker: an <img> of our own whose load fails, and whose onerror opens a dialog. Its
  // request and its dialog come after any the payload could have caused, so once the
  // marker's dialog has been seen, nothing before it means nothing ran.
  const marker = page.waitForEvent('dialog', (d) => d.message() === `marker ${stamp}`)
  await page.evaluate((text) => {
    const img = document.createElement('img')
    img.onerror = () => alert(text)
    img.src = `/x?marker`
    document.body.append(img)
  }, `marker ${stamp}`)
  await marker
  assert.deepEqual(dialogs, [`alert: marker ${stamp}`], 'no alert/confirm/prompt dialog but the marker\'s may open')
  assert.deepEqual(xRequests, [`${BASE}/x?marker`], 'no <img src=x> of the payload was loaded')
  assert.deepEqual(problems, [])
  await context.close()
})
