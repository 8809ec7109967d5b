// Browser test of 报修统计 and 报修设置: the office edits a category's SLA target and sets a
// duty cell; the statistics page draws its charts from the orders made before the test and
// exports its group table; at 1280 px and at 375 px (charts stacked, nothing wider than the
// phone).
//
// Before it (through the API, fixtures.mjs): workorderWorld (office, three workers, two
// teams, three categories, a building), 18 orders in every state rated 2 to 5 stars, and
// two maintenance plans.
//
// Needs and options: see lib.mjs. Screenshots go to tests/e2e/out/wo-admin-*.png.
//
//   tests/e2e/run.sh tests/e2e/wo_admin.test.mjs
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { orders, workorderWorld } from './fixtures.mjs'
import { $, BASE, exportName, login, openPage, shot, useBrowser } from './lib.mjs'

const browser = useBrowser()
const CHARTS = ['stats-chart-month', 'stats-chart-category', 'stats-chart-status', 'stats-chart-satisfaction']
let world

before(async () => {
  world = await workorderWorld()
  const [water, doors, air] = world.categories
  const { worker1, worker2, worker3 } = world.who
  const rooms = world.rooms
  const specs = [
    [water, '卫生间水龙头漏水', 'normal', 'confirmed', 5, worker1],
    [water, '办公室插座无电', 'high', 'confirmed', 5, worker2],
    [water, '会议室灯管闪烁', 'low', 'confirmed', 4, worker1],
    [water, '档案室除湿机漏水', 'normal', 'confirmed', 3, worker2],
    [water, '接待室饮水机不出水', 'urgent', 'resolved', 0, worker1],
    [water, '二楼走廊灯不亮', 'normal', 'in_progress', 0, worker2],
    [water, '三楼卫生间堵塞', 'high', 'submitted', 0, worker1],
    [doors, '档案室门锁损坏', 'normal', 'confirmed', 4, worker3],
    [doors, '办公室窗户关不严', 'low', 'confirmed', 5, worker3],
    [doors, '会议桌桌腿松动', 'normal', 'confirmed', 2, worker1],
    [doors, '接待室椅子损坏', 'low', 'dispatched', 0, worker3],
    [doors, '办公室柜门脱落', 'normal', 'accepted', 0, worker3],
    [air, '会议室空调不制冷', 'high', 'confirmed', 4, worker3],
    [air, '办公室空调噪音大', 'normal', 'confirmed', 5, worker1],
    [air, '档案室新风不工作', 'normal', 'resolved', 0, worker3],
    [air, '接待室暖气不热', 'urgent', 'in_progress', 0, worker1],
    [air, '二楼空调漏水', 'normal', 'submitted', 0, worker3],
    [air, '三楼空调遥控失灵', 'low', 'confirmed', 3, worker1],
  ]
  await orders(
    world,
    specs.map(([category, title, priority, until, rating, worker], i) => ({
      category,
      room: rooms[i % rooms.length],
      title,
      priority,
      until,
      rating: rating || undefined,
      worker,
    })),
  )
  // Two maintenance plans for 维保计划, starting in 90 days: no order comes of them during
  // the tests (the monthly job creates one only lead_days before it is due).
  const start = new Date(Date.now() + 90 * 86400000).toISOString().slice(0, 10)
  const office = world.who.office.api
  const plan = (name, category, room, unit, every, title) =>
    office.post('/workorder-plans', { name, category_id: category.id, location_id: room.id, title, priority: 'normal', unit, every, start_date: start, lead_days: 7, active: true })
  await plan('每月电梯维保', doors, rooms[0], 'month', 1, '电梯月度维护保养')
  await plan('每周空调滤网清洗', air, rooms[2], 'week', 1, '会议室空调滤网清洗')
}, { timeout: 120000 })

// Every chart has finished drawing (ECharts animates its series for about a second): each
// chart's canvas has been drawn on and keeps the same pixels for 10 animation frames in a
// row. The page's default timeout is the deadline. (The page exposes neither a switch for
// ECharts' animation nor its 'finished' event.)
let settleRun = 0
async function chartsSettled(page) {
  await page.waitForFunction(
    ([names, run]) => {
      const sig = names
        .map((name) => {
          const canvas = document.querySelector(`[data-test="${name}"] canvas`)
          if (!canvas || !canvas.width || !canvas.height) return 'none'
          const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
          let h = 0
          let ink = 0
          for (let i = 0; i < px.length; i++) {
            h = (h * 31 + px[i]) | 0
            ink |= px[i]
          }
          return ink ? `${canvas.width}x${canvas.height}:${h}` : 'none' // blank: not drawn yet
        })
        .join('|')
      const s = window.__e2eChartsSettle?.run === run ? window.__e2eChartsSettle : (window.__e2eChartsSettle = { run, sig: '', same: 0 })
      s.same = sig === s.sig && !sig.includes('none') ? s.same + 1 : 0
      s.sig = sig
      return s.same >= 10
    },
    [CHARTS, ++settleRun],
    { polling: 'raf' },
  )
}

// Today in Shanghai, as the duty page's columns name it, and the Monday after it.
const shanghaiToday = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
function nextMonday(date) {
  const d = new Date(`${date}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 7 - ((d.getUTCDay() + 6) % 7))
  return d.toISOString().slice(0, 10)
}

// Every chart has drawn: ECharts puts a sized <canvas> in its element.
async function chartsDrawn(page) {
  for (const name of CHARTS) {
    const canvas = page.locator(`${$(name)} canvas`).first()
    await canvas.waitFor()
    const box = await canvas.boundingBox()
    assert.ok(box && box.width > 100 && box.height > 100, `${name} has a drawn canvas (${JSON.stringify(box)})`)
  }
}

async function openStats(page) {
  await page.goto(`${BASE}/workorders/stats`)
  await page.locator(`${$('kpi-total-value')}`).waitFor()
  await chartsDrawn(page)
  // The orders made before the test: the page must show them.
  const total = Number(await page.locator($('kpi-total-value')).innerText())
  assert.ok(total >= 18, `the stats show the orders made for them (total ${total})`)
  await page.locator(`${$('stats-table')} .el-table__body-wrapper .el-table__row`).first().waitFor()
  return total
}

test('office edits an SLA target, sets a duty cell, and sees the statistics', { timeout: 120000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 1280, height: 900 }, { acceptDownloads: true })
  try {
    await login(page, world.who.office.username)

    // ---- 报修类别: the last category's 普通 accept target (put back at the end) ----
    await page.locator($('menu-workorders')).click()
    await page.locator($('menu-workorderCategories')).click()
    await page.waitForURL(/\/workorders\/admin\/categories/)
    const last = page.locator(`${$('cat-list')} .el-table__body-wrapper .el-table__row`).last()
    await last.waitFor()
    const catName = (await last.locator($('cat-item')).innerText()).trim()
    const row = page.locator(`${$('cat-list')} .el-table__body-wrapper .el-table__row`, { hasText: catName }).first()
    const dialog = page.locator($('cat-dialog'))
    const accept = dialog.locator(`${$('cat-normal-accept')} input`)
    async function setAccept(minutes) {
      await row.locator($('cat-edit')).click()
      await dialog.waitFor()
      const was = Number(await accept.inputValue())
      await accept.fill(String(minutes))
      await accept.blur()
      return was
    }
    const before = await setAccept(95) // 95 min: ≈ 1.58 小时 in the dialog, 1.6 小时 in the list
    await dialog.getByText('≈ 1.58 小时').waitFor()
    await shot(page, 'wo-admin-1-category-dialog')
    await dialog.locator($('cat-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    await row.locator($('cat-target-normal')).getByText('受理 1.6 小时').waitFor()
    await shot(page, 'wo-admin-2-categories')
    // Reopened, the dialog shows what the server kept; put the old value back.
    assert.equal(await setAccept(before), 95)
    await dialog.locator($('cat-save')).click()
    await dialog.waitFor({ state: 'hidden' })
    // The server's refusal shows in the dialog, which stays open: a second category of that name.
    await page.locator($('cat-new')).click()
    await dialog.waitFor()
    await dialog.locator($('cat-name')).fill(catName)
    await dialog.locator($('cat-save')).click()
    await dialog.locator('.el-alert--error').waitFor()
    assert.ok(await dialog.isVisible())
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })

    // ---- 值班表: a cell of next Monday (today's roster, which urgent orders use, stays) ----
    await page.locator($('menu-workorderDuty')).click()
    await page.waitForURL(/\/workorders\/admin\/duty/)
    const today = shanghaiToday()
    const monday = nextMonday(today)
    await page.locator($('duty-next')).click()
    const dropdown = page.locator('.el-select-dropdown').filter({ visible: true })
    const cells = page.locator(`${$('duty-cell')}[data-day="${monday}"]`)
    await cells.first().waitFor()
    let teamId = null
    let worker = ''
    for (let i = 0; i < (await cells.count()) && !teamId; i++) {
      await cells.nth(i).click()
      const options = dropdown.locator('.el-select-dropdown__item:not(.is-selected)')
      await dropdown.locator('.el-select-dropdown__item').first().waitFor()
      if (await options.count()) {
        worker = (await options.last().innerText()).trim()
        teamId = await cells.nth(i).getAttribute('data-team')
        await options.last().click()
      } else {
        await page.keyboard.press('Escape')
      }
    }
    assert.ok(teamId, 'some team has a worker to put on duty')
    await page.locator('.el-message--success').filter({ hasText: worker }).waitFor()
    await shot(page, 'wo-admin-3-duty')
    await page.reload()
    await page.locator($('duty-next')).click()
    const again = page.locator(`${$('duty-cell')}[data-day="${monday}"][data-team="${teamId}"]`)
    await again.getByText(worker, { exact: true }).waitFor()

    // ---- 报修统计 ----
    await page.locator($('menu-workorderStats')).click()
    await page.waitForURL(/\/workorders\/stats/)
    await openStats(page)
    await chartsSettled(page)
    await shot(page, 'wo-admin-4-stats-1280')
    await page.locator($('stats-group-month')).click()
    await page.locator(`${$('stats-table')} .el-table__row`, { hasText: today.slice(0, 7) }).first().waitFor()
    await chartsSettled(page)
    await shot(page, 'wo-admin-5-stats-1280-table')

    // The group table exports (same filters and grouping) as XLSX.
    await page.locator($('stats-export')).click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator($('stats-export-xlsx')).click()])
    assert.equal(download.suggestedFilename(), exportName('报修统计', 'xlsx'))

    // Side by side on a wide screen.
    const a = await page.locator($('stats-chart-category')).boundingBox()
    const b = await page.locator($('stats-chart-status')).boundingBox()
    assert.ok(Math.abs(a.y - b.y) < 2 && b.x > a.x + a.width, 'charts share a row at 1280 px')
    // Charts follow the window: narrower window, narrower canvas.
    const canvas = page.locator(`${$('stats-chart-month')} canvas`).first()
    const wide = (await canvas.boundingBox()).width
    await page.setViewportSize({ width: 1000, height: 900 })
    await page.waitForFunction(
      ([sel, w]) => document.querySelector(sel)?.getBoundingClientRect().width < w - 100,
      [`${$('stats-chart-month')} canvas`, wide],
    )
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('at 375 px the statistics stack and the admin pages fit the phone', { timeout: 90000 }, async () => {
  const { context, page, problems } = await openPage(browser(), { width: 375, height: 800 })
  try {
    await login(page, world.who.office.username)
    await openStats(page)
    const boxes = []
    for (const name of CHARTS) boxes.push(await page.locator($(name)).boundingBox())
    for (let i = 1; i < boxes.length; i++) {
      assert.ok(boxes[i].y >= boxes[i - 1].y + boxes[i - 1].height, `chart ${i} sits below chart ${i - 1}`)
      assert.ok(boxes[i].width <= 375, `chart ${i} fits the phone`)
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 375, `stats page is ${width}px wide`)
    await shot(page, 'wo-admin-6-stats-375')
    for (const [i, name] of CHARTS.entries()) {
      await page.locator($(name)).scrollIntoViewIfNeeded()
      if (i % 2) continue
      await chartsSettled(page)
      await shot(page, `wo-admin-6-stats-375-chart${i / 2 + 1}`)
    }

    for (const [path, item, name] of [
      ['/workorders/admin/categories', 'cat-item', 'wo-admin-7-categories-375'],
      ['/workorders/admin/duty', 'duty-cell', 'wo-admin-8-duty-375'],
      ['/workorders/admin/teams', 'team-item', 'wo-admin-9-teams-375'],
      ['/workorders/admin/plans', 'plan-new', 'wo-admin-10-plans-375'],
    ]) {
      await page.goto(`${BASE}${path}`)
      await page.locator($(item)).first().waitFor()
      const w = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(w <= 375, `${path} is ${w}px wide at 375 px`)
      await shot(page, name)
    }
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('date pickers: weeks start on Monday and ranges have shortcuts, in Chinese and English (#13 item 5)', { timeout: 90000 }, async () => {
  for (const lang of ['zh-CN', 'en']) {
    const { context, page, problems } = await openPage(browser(), { width: 1366, height: 800 }, { label: lang })
    try {
      await context.addInitScript((code) => localStorage.setItem('houqin.locale', code), lang)
      await login(page, world.who.office.username)
      await page.goto(`${BASE}/workorders/stats`)
      await page.locator($('kpi-total-value')).waitFor()
      await page.locator(`${$('stats-filters')} .el-date-editor`).first().click()
      const first = page.locator('.el-date-range-picker .el-date-table th').first()
      await first.waitFor()
      const head = (await first.innerText()).trim()
      assert.ok(lang === 'en' ? /^Mon/i.test(head) : head === '一', `${lang}: the week starts with ${head}`)
      // and the range shortcuts, in the page's language
      const shortcuts = await page.locator('.el-date-range-picker .el-picker-panel__shortcut').allInnerTexts()
      assert.deepEqual(
        shortcuts.map((s) => s.trim()),
        lang === 'en' ? ['Today', 'Last 7 days', 'This month', 'Last month'] : ['今天', '最近一周', '本月', '上月'],
      )
      assert.deepEqual(problems, [])
    } finally {
      await context.close()
    }
  }
})
