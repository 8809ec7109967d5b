// Stored XSS in the browser: a work order whose title and description are HTML/script
// payloads renders them as plain text on the order page and in 受理派单 (the office's
// queue, also its hover tooltip), and no script runs: no dialog ever opens, no <img src=x>
// element appears, no page error. The API returns such text as given (test_injection.c);
// escaping is the UI's job, and this checks it does it.
//
// Needs (see lib.mjs): a running server on a fresh `--demo` database, HOUQIN_URL, the web
// UI built, /usr/bin/chromium. Run by tests/e2e/run.sh. Demo user: office 王建国.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { $, BASE, login, openPage, shot, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
const items = (data) => (Array.isArray(data) ? data : data.items || [])
function rooms(tree, out = []) {
  for (const n of tree) {
    if (n.kind === 'room' && n.active !== false) out.push(n)
    rooms(n.children || [], out)
  }
  return out
}

test('script and img payloads in a work order render as text, nothing runs', async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 860 }, { label: 'office' })
  const dialogs = []
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`)
    await d.dismiss()
  })
  await login(page, 'office')
  const me = await (await context.request.get(`${BASE}/api/v1/me`)).json()
  const api = async (method, path, data) => {
    const res = await context.request.fetch(`${BASE}/api/v1${path}`, {
      method,
      headers: method === 'GET' ? {} : { 'X-CSRF-Token': me.csrf_token },
      data,
    })
    const text = await res.text()
    if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${text}`)
    return text ? JSON.parse(text) : {}
  }

  let room = rooms(items(await api('GET', '/locations?active=1')))[0]
  if (!room) {
    const b = await api('POST', '/locations', { kind: 'building', name: `XSS楼${stamp}` })
    const f = await api('POST', '/locations', { kind: 'floor', parent_id: b.id, name: '1层' })
    room = await api('POST', '/locations', { kind: 'room', parent_id: f.id, name: '101' })
  }
  let category = items(await api('GET', '/workorder-categories')).find((c) => c.active !== false && !c.safety)
  if (!category) {
    let team = items(await api('GET', '/workorder-teams')).find((t) => t.active !== false)
    team ??= await api('POST', '/workorder-teams', { name: `XSS班组${stamp}`, active: true, member_ids: [me.user.id] })
    const targets = Object.fromEntries(['urgent', 'high', 'normal', 'low'].map((p) => [p, { accept_min: 60, resolve_min: 480 }]))
    category = await api('POST', '/workorder-categories', { name: `XSS类别${stamp}`, default_team_id: team.id, targets })
  }
  const title = `<img src=x onerror=alert(1)>${stamp}<script>alert(2)</script>`
  const description = `<script>alert(3)</script><img src=x onerror=alert(4)> ${stamp}`
  const order = await api('POST', '/workorders', {
    category_id: category.id,
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
  await page.waitForTimeout(500)
  await noImgX('受理派单')
  await shot(page, 'xss-queue')

  // give any handler that might fire late a moment, then nothing may have run
  await page.waitForTimeout(300)
  assert.deepEqual(dialogs, [], 'no alert/confirm/prompt dialog may open')
  assert.deepEqual(problems, [])
  await context.close()
})
