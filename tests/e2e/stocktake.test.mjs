// Browser test of 盘点 on a phone (issue #16 item 2): the office scans one item's barcode with a
// handheld scanner (it types into the scan field and ends with Enter), the same item again (one
// more on the shelf), another with the camera, counts, and submits; the stocktake waits for the
// leader and nothing moves until the leader approves it.
//
// Headless Chromium on Linux has no camera and no BarcodeDetector: the page gets both from an
// init script — a canvas's stream for the camera and a detector that reads the second item's
// barcode — so what is proven is the page's camera path from a detection to a counted line.
//
//   tests/e2e/run.sh tests/e2e/stocktake.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, department, people } from './fixtures.mjs'
import { $, BASE, login, openPage, stamp, useBrowser } from './lib.mjs'

const browser = useBrowser()
// an Element Plus input's <input>: the attribute is on it, or on its wrapper
const box = (scope, name) => scope.locator(`input${$(name)}, ${$(name)} input`).first()
const PHONE = { width: 375, height: 740 }
const digits = () => String(Date.now()).slice(-8) + String(Math.floor(Math.random() * 1e4)).padStart(4, '0')
const SCANNED = `69${digits()}1`
const CAMERA = `69${digits()}2`

let who
let items

before(async () => {
  const office = await department('办公室')
  who = await people({
    office: { login: 'pd_office', name: '盘点员', dept: office, roles: ['office', 'staff'] },
    leader: { login: 'pd_leader', name: '盘点分管', dept: office, roles: ['leader', 'staff'] },
  })
  const api = await apiLogin(who.office.username)
  const item = (code, name, barcode) => api.post('/supply-items', { code, name, unit: '盒', category: '盘点测试', barcode })
  items = [await item(`PD-S-${stamp}`, `订书钉${stamp.slice(-4)}`, SCANNED), await item(`PD-C-${stamp}`, `回形针${stamp.slice(-4)}`, CAMERA)]
}, { timeout: 60000 })

// The phone's camera and its barcode reader, as a browser that has them would give them.
function fakeCamera(code) {
  window.BarcodeDetector = class {
    async detect() {
      return [{ rawValue: code, format: 'ean_13' }]
    }
  }
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = document.createElement('canvas')
    canvas.getContext('2d').fillRect(0, 0, 8, 8)
    return canvas.captureStream(5)
  }
}

test('the office counts on a phone by scanner and camera; nothing moves before approval', { timeout: 60000 }, async () => {
  const { context, page, problems } = await openPage(browser(), PHONE, { label: 'office' })
  await context.addInitScript(fakeCamera, CAMERA)
  let id
  try {
    await login(page, who.office.username)
    await page.goto(`${BASE}/supplies/stocktakes/new`)
    const scan = box(page, 'stocktake-scan')
    const lines = page.locator($('stocktake-line'))
    await scan.fill(SCANNED)
    await scan.press('Enter')
    await lines.filter({ hasText: items[0].name }).waitFor()
    await scan.fill(SCANNED) // the same box again: one more on the shelf
    await scan.press('Enter')
    const first = box(lines.filter({ hasText: items[0].name }), 'stocktake-counted')
    await page.waitForFunction((el) => el.value === '1', await first.elementHandle())
    await page.locator($('stocktake-camera')).click()
    await lines.filter({ hasText: items[1].name }).waitFor()
    const second = box(lines.filter({ hasText: items[1].name }), 'stocktake-counted')
    await second.fill('7')
    await second.blur()
    await page.locator($('stocktake-submit')).click()
    await page.waitForURL(/\/supplies\/stocktakes\/\d+$/)
    id = Number(new URL(page.url()).pathname.split('/').pop())
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
  const api = await apiLogin(who.office.username)
  const made = await api.get(`/stocktakes/${id}`)
  const counted = Object.fromEntries(made.lines.map((l) => [l.item_id, l.counted_qty]))
  assert.deepEqual(counted, { [items[0].id]: 1, [items[1].id]: 7 })
  const onHand = async (it) => (await api.get(`/supply-items?q=${encodeURIComponent(it.code)}`)).items[0].qty_on_hand
  assert.equal(await onHand(items[1]), 0, 'nothing moves before the approval')
  await (await apiLogin(who.leader.username)).post(`/approvals/${made.approval_id}/decision`, { decision: 'approve', comment: '同意' })
  assert.equal(await onHand(items[1]), 7)
})
