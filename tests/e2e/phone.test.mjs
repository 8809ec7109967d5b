// Browser test of the phone rules (#13 item 4) on EVERY page of the app, at 375 × 740, in
// Chinese and in English, with the phone menu (hamburger), the user menu and what some pages
// show only when tapped (OPENED: the audit filter drawer, row menus, new-record forms):
//   - nothing scrolls sideways: document.documentElement.scrollWidth <= 375 (wide tables
//     scroll inside themselves), and nothing sticks out of an open dialog or drawer;
//   - long lists are paged: at most MAX_ROWS table rows or cards drawn at once;
//   - every visible tap target is at least 44 × 44 px (WCAG 2.5.5, target size enhanced).
// And that a new page opens at its top while Back returns to where the reader was.
//
// The pages: every route of web/src/router.js (the shell's, listed here and compared with
// the file) and of the modules (web/src/modules/index.js, loaded as web_modules.test.mjs
// loads it). A module's route is opened at its path by a persona holding its roles; VISITS
// lists the rest (the shell's, and URLs with an id or a query). A route the test cannot open
// fails it, so a new page is measured from the day it is added. A persona's walk loads the
// app once and then moves through its router, as a reader tapping links does.
//
// Tap targets are the elements of TARGETS; a part of a composite control (the <input> of an
// el-select, the hidden <input> of a checkbox) is measured as the whole control (WRAPPERS).
// Not measured (the allowlist, as WCAG 2.5.5 exempts them):
//   - links inline in a sentence (an <a> inside a <p>): the "inline" exception;
//   - anything inside [data-tap-exempt]: a page marks with it content whose targets are
//     not its own (none at the moment);
//   - controls with no box (display: none, zero size) or hidden by visibility/opacity.
//
//   tests/e2e/run.sh tests/e2e/phone.test.mjs
import { before, test } from 'node:test'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import { approvalRule, apiLogin, creditCode, department, items, orders, people, person, workorderWorld } from './fixtures.mjs'
import {
  $,
  ADMIN_PASSWORD,
  ADMIN_USER,
  BASE,
  SECADMIN_PASSWORD,
  SECADMIN_USER,
  login,
  openPage,
  shot,
  stamp,
  useBrowser,
} from './lib.mjs'
import { modules } from '../../web/src/modules/index.js'

const browser = useBrowser()
const PHONE = { width: 375, height: 740 }
const MIN = 44
// Long lists are paged: no page draws more rows or cards than this at once.
const MAX_ROWS = 50

// The shell's own routes (web/src/router.js), besides the modules' ones.
const SHELL_ROUTES = ['login', 'home', 'password', 'tokens']
const ROUTER_JS = readFileSync(fileURLToPath(new URL('../../web/src/router.js', import.meta.url)), 'utf8')

// Who signs in for a page: the first of these holding one of its route's roles (meta.roles;
// none: everyone signed in). biz holds every business role but supervisor's, which may not
// meet office or worker (三员分立 and 纪检, src/modules/org/org.c).
const PERSONAS = [
  ['biz', ['office', 'worker', 'dept_head', 'leader', 'finance', 'staff']],
  ['supervisor', ['supervisor', 'staff']],
  ['sysadmin', ['sysadmin']],
  ['secadmin', ['secadmin']],
  ['auditor', ['auditor']],
]

// Routes a module declares are visited at their path by a persona with their roles, with no
// line here. Listed here: the shell's routes, and routes whose URL needs an id or a query
// (filled in from the data made in before): route name → [who, URL]; who 'anon' = signed out.
// A route with a parameter and no line here fails the first test.
const VISITS = {
  login: ['anon', () => '/login'],
  home: ['biz', () => '/'],
  password: ['biz', () => '/account/password'],
  tokens: ['biz', () => '/account/tokens'],
  approvalDetail: ['biz', (d) => `/approvals/${d.approval.id}`],
  workorderReport: ['biz', (d) => `/m/report?location=${d.room.id}`],
  workorderDetail: ['biz', (d) => `/workorders/${d.order.id}`],
  locationLabels: ['biz', (d) => `/locations/${d.building.id}/labels`],
  budgetLineDetail: ['biz', (d) => `/finance/lines/${d.line.id}`],
  expenseClaimDetail: ['biz', (d) => `/finance/claims/${d.claim.id}`],
  vehicleTripDetail: ['biz', (d) => `/vehicles/trips/${d.trip.id}`],
  vehicleDetail: ['biz', (d) => `/vehicles/${d.vehicle.id}`],
  requisitionDetail: ['biz', (d) => `/supplies/requisitions/${d.requisition.id}`],
  purchaseOrderDetail: ['biz', (d) => `/supplies/purchases/${d.purchase.id}`],
  supplyItemDetail: ['biz', (d) => `/supplies/items/${d.supplyItem.id}`],
  stocktakeDetail: ['biz', (d) => `/supplies/stocktakes/${d.stocktake.id}`],
}

// Every route of the app: [name, who, url(data)], or who null when no one can be chosen.
function allVisits() {
  const shell = SHELL_ROUTES.map((name) => [name, ...(VISITS[name] || [null])])
  const mods = modules.flatMap((m) =>
    m.routes.map((r) => {
      if (VISITS[r.name]) return [r.name, ...VISITS[r.name]]
      const roles = r.meta?.roles || []
      const who = PERSONAS.find(([, held]) => !roles.length || held.some((x) => roles.includes(x)))?.[0]
      return [r.name, r.path.includes(':') ? null : who, () => `/${r.path}`]
    }),
  )
  return [...shell, ...mods]
}

// Pages whose phone layout was made for #13 item 4: a screenshot for the eye (OUT/phone-*.png).
const SHOTS = ['locations', 'audit', 'workorderStats', 'locationLabels', 'workorderCategories', 'workorderTasks']
// A page's "new" button opens its form (a dialog) over the page.
function form(button) {
  return [`the ${button} form`, (page) => page.locator($(button)).click()]
}

// What a page shows only when tapped, measured too: route → [what, the taps that show it].
const OPENED = {
  audit: [
    ['the filter drawer', (page) => page.locator($('audit-filters-open')).click()],
    [
      'a card opened',
      async (page) => {
        await page.locator($('audit-filters-done')).click()
        await page.locator(`${$('audit-card')} button`).first().click()
      },
    ],
  ],
  locations: [
    ['a row menu', (page) => page.locator($('loc-row-menu')).first().click()],
    ['the new building dialog', (page) => page.locator($('loc-new-building')).click()],
  ],
  approvalRequests: [form('approval-new')],
  approvalDeputies: [form('deputy-new')],
  approvalRules: [form('rule-new')],
  departments: [form('dept-new')],
  'sysadmin /admin/users': [form('user-new')],
  workorderCategories: [form('cat-new')],
  workorderTeams: [form('team-new')],
  workorderPlans: [form('plan-new')],
  tokens: [form('token-new')],
}

// Pages worth a second look by another role (other columns, tabs, actions).
const EXTRA_VISITS = [
  ['auditor', '/admin/audit'],
  ['auditor', '/admin/audit?tab=checkpoints'],
  ['auditor', '/admin/users'],
  ['sysadmin', '/admin/users'],
  ['secadmin', '/admin/users'],
  ['supervisor', '/workorders/stats'],
  ['sysadmin', '/locations'],
  ['sysadmin', '/admin/calendar'],
  ['requester', (d) => `/workorders/${d.order.id}`],
  // an order's action buttons: the office's on a new one, the worker's on one under way
  ['biz', (d) => `/workorders/${d.open.id}`],
  ['worker', '/workorders/tasks'],
  ['worker', (d) => `/workorders/${d.working.id}`],
  ['requester', (d) => `/approvals/${d.approval.id}`],
]

let data
let logins

before(async () => {
  const world = await workorderWorld()
  const { office, staff1 } = world.who
  const politics = await department('院领导')
  const extra = await people({
    // one business person holding every role a business page asks for
    biz: { name: '全能测试', dept: world.depts.logistics, roles: ['office', 'worker', 'dept_head', 'leader', 'finance', 'staff'] },
    supervisor: { name: '纪检组', dept: politics, roles: ['supervisor', 'staff'] },
    auditor: { name: '审计员', dept: politics, roles: ['auditor'] },
  })
  await approvalRule(office.api, {
    name: '手机页面测试',
    max: 100000000,
    priority: 50,
    steps: [['部门负责人审批', 'dept_head', 'dept_head']],
  })
  const approval = await staff1.api.post('/approvals', {
    kind: 'general',
    title: '办公用品采购',
    amount_fen: 120000,
    reason: '打印纸、硒鼓。',
  })
  const made = await orders(world, [
    { category: world.categories[0], room: world.rooms[0], title: '水龙头漏水', until: 'confirmed' },
    { category: world.categories[1], room: world.rooms[1], title: '门锁损坏', until: 'in_progress' },
    { category: world.categories[2], room: world.rooms[2], title: '空调不制冷', until: 'submitted' },
  ])
  // more buildings than a page holds: 位置管理 must page them
  for (let i = 1; i <= 50; i++) await office.api.post('/locations', { kind: 'building', name: `${i}号楼·${stamp}` })
  // a budget line of our own (biz reads it as a leader) for 预算指标明细
  const fin = await person('phone_fin', { name: '财务测试', dept: politics, roles: ['finance', 'staff'] })
  const finApi = await apiLogin(fin.username)
  const cls = items(await finApi.get('/budget-classes')).find((c) => c.code === '30201')
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()))
  const line = await finApi.post('/budget-lines', { year, department_id: world.depts.logistics.id, class_id: cls.id, amount_fen: 1000000 })
  // a 报销单 of staff (¥150 of 办公费, no invoice needed) on a line of their department
  await finApi.post('/budget-lines', { year, department_id: world.depts.prosecution.id, class_id: cls.id, amount_fen: 1000000, control: 'warn' })
  const claim = await staff1.api.post('/expense-claims', { items: [{ class_code: '30201', amount_fen: 15000, description: '打印纸' }] })
  // a 用车申请 of staff for tomorrow morning (biz reads it as the office)
  const tomorrow = new Date(Date.now() + 32 * 3600 * 1000).toISOString().slice(0, 10)
  const trip = await staff1.api.post('/trips', {
    purpose: '送文件',
    destination: '市政府',
    out_of_city: false,
    passengers: 1,
    start_at: `${tomorrow}T09:00:00+08:00`,
    end_at: `${tomorrow}T11:00:00+08:00`,
    est_km: 20,
  })
  // a vehicle of the pool (the office registers it)
  const vehicle = await office.api.post('/vehicles', {
    plate: `京A·${String(parseInt(stamp.slice(-6), 36) % 100000).padStart(5, '0')}`,
    brand: '红旗',
    model: 'H5',
    seats: 5,
    type: 'sedan',
    energy: 'petrol',
    insurance_expiry: '2027-06-30',
  })
  // a 领用申请 of staff for an item of the catalog (biz reads it as the office)
  const supply = await office.api.post('/supply-items', { code: `PH-${stamp}`, name: '中性笔', unit: '支', category: '书写工具' })
  const requisition = await staff1.api.post('/requisitions', { reason: '日常办公', lines: [{ item_id: supply.id, qty: 2 }] })
  // a 采购单 of the office (biz, whose department has the 30201 line above): a supplier and an item
  const bizApi = await apiLogin(extra.biz.username)
  const supplier = await bizApi.post('/suppliers', { name: `手机测试供应商${stamp}`, credit_code: creditCode(2) })
  const supplyP = await bizApi.post('/supply-items', { code: `PH${stamp}`, name: '打印纸', unit: '箱', category: '纸张' })
  const purchase = await bizApi.post('/purchase-orders', { lines: [{ item_id: supplyP.id, qty: 2, unit_price_fen: 18000 }], supplier_id: supplier.id })
  data = { approval, order: made[0], room: world.rooms[0], building: world.building, open: made[2], working: made[1], line, claim, trip, vehicle, requisition, purchase }
  // 办公用品: the item's 出入库台账 and a stocktake of it (its page), by the office
  data.supplyItem = supply
  data.stocktake = await office.api.post('/stocktakes', { lines: [{ item_id: supply.id, counted_qty: 0 }] })
  logins = {
    biz: [extra.biz.username],
    requester: [staff1.username],
    worker: [world.who.worker1.username],
    supervisor: [extra.supervisor.username],
    auditor: [extra.auditor.username],
    sysadmin: [ADMIN_USER, ADMIN_PASSWORD],
    secadmin: [SECADMIN_USER, SECADMIN_PASSWORD],
  }
  // the API session proves each login works before the browser tries it
  await Promise.all(Object.values(logins).map(([u, p]) => apiLogin(u, p)))
}, { timeout: 180000 })

// In the page (one function: page.evaluate sends it alone): the document's width, every tap
// target smaller than min × min, what sticks out of an open dialog or drawer, and how many
// rows or cards are drawn.
function measure(min) {
  const TARGETS = [
    'a[href]', 'button', 'input:not([type=hidden])', 'select', 'textarea',
    '[role=button]', '[role=tab]', '[role=menuitem]', '[role=switch]', '[role=checkbox]', '[role=radio]',
    '.el-checkbox', '.el-radio', '.el-switch', '.el-pagination li', '.el-menu-item', '.el-sub-menu__title',
  ].join(',')
  const WRAPPERS = [
    '.el-input__wrapper', '.el-select__wrapper', '.el-textarea', '.el-range-editor', '.el-checkbox',
    '.el-radio', '.el-switch', '.el-upload', '.el-checkbox-button', '.el-radio-button',
  ].join(',')
  const name = (el) => {
    const test = el.closest('[data-test]')?.getAttribute('data-test')
    const text = (el.innerText || el.getAttribute('aria-label') || el.getAttribute('placeholder') || '').trim()
    const cls = [...el.classList].slice(0, 2).join('.')
    const tag = `<${el.tagName.toLowerCase()}${cls ? '.' + cls : ''}>`
    return `${tag}${text ? ` "${text.slice(0, 24)}"` : ''}${test ? ` in [${test}]` : ''}`
  }
  const seen = new Set()
  const small = []
  for (const el of document.querySelectorAll(TARGETS)) {
    const target = el.closest(WRAPPERS) || el
    if (seen.has(target)) continue
    seen.add(target)
    if (target.closest('[data-tap-exempt]')) continue
    if (target.tagName === 'A' && target.parentElement?.closest('p')) continue
    if (!target.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue
    const r = target.getBoundingClientRect()
    if (r.width === 0 || r.height === 0) continue
    if (r.width + 0.5 < min || r.height + 0.5 < min) small.push(`${name(target)} ${Math.round(r.width)}×${Math.round(r.height)}`)
  }
  // a dialog or drawer sits over the page: what sticks out of it does not widen the page
  const spill = [...document.querySelectorAll('.el-dialog, .el-drawer')]
    .filter((box) => box.checkVisibility() && box.scrollWidth > box.clientWidth + 1)
    .map((box) => `${name(box)} holds ${box.scrollWidth}px in ${box.clientWidth}px`)
  const rows = document.querySelectorAll('.el-table__body tr, .phone-cards > .el-card, [data-test=wo-task]').length
  return { width: document.documentElement.scrollWidth, small, rows, spill }
}

// Waits until the page has drawn its content: the main area shows something, no loading
// mask is up and no transition is under way (a menu that zooms in is measured at its size).
async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('.el-main, #app > *')
    if (!main || !main.children.length) return false
    if ([...document.querySelectorAll('.el-loading-mask')].some((m) => m.checkVisibility())) return false
    return document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)
  })
}

// Measures the page as it stands; returns the failures, each naming the page.
async function check(page, where) {
  const { width, small, rows, spill } = await page.evaluate(measure, MIN)
  const out = []
  if (width > PHONE.width) out.push(`${where}: the page is ${width}px wide (scrolls sideways)`)
  for (const s of spill) out.push(`${where}: ${s} (scrolls sideways)`)
  if (rows > MAX_ROWS) out.push(`${where}: ${rows} rows or cards at once (a long list must be paged)`)
  for (const s of small) out.push(`${where}: tap target ${s} is under ${MIN}×${MIN}`)
  return out
}

// A phone page signed in as who (anon: nobody), the UI in lang (web/src/i18n/index.js keeps
// the choice in localStorage).
async function signIn(who, lang = 'zh-CN') {
  const opened = await openPage(browser(), PHONE, { label: who, timezoneId: 'Asia/Shanghai' })
  await opened.context.addInitScript((code) => localStorage.setItem('houqin.locale', code), lang)
  if (who !== 'anon') await login(opened.page, ...logins[who])
  return opened
}

test('every route of the app has a phone visit', () => {
  // a route of router.js: { path, name: 'x', component } (the guards name routes too); 'shell'
  // is the layout around the signed-in pages, visited through them
  const shell = [...ROUTER_JS.matchAll(/\bname: '(\w+)',\s*component:/g)]
    .map((m) => m[1])
    .filter((name) => name !== 'shell')
  assert.deepEqual(shell, SHELL_ROUTES, "web/src/router.js's own routes are SHELL_ROUTES")
  const visits = allVisits()
  const names = visits.map(([name]) => name)
  assert.deepEqual(
    visits.filter(([, who]) => !who).map(([name]) => name),
    [],
    'routes this test cannot open (a parameter in the path, or roles no persona holds): add them to VISITS',
  )
  assert.deepEqual(Object.keys(VISITS).filter((n) => !names.includes(n)), [], 'VISITS names routes that do not exist')
})

// Who opens what: { who: [[label, url]...] } for every route and the extra visits.
function visitPlan() {
  const byWho = {}
  const add = (who, label, url) => {
    byWho[who] ??= []
    byWho[who].push([label, url])
  }
  for (const [route, who, path] of allVisits()) add(who, route, path(data))
  for (const [who, path] of EXTRA_VISITS) {
    const url = typeof path === 'function' ? path(data) : path
    add(who, `${who} ${url}`, url)
  }
  return byWho
}

// Opens url in the app already loaded, through its own router (Vue keeps the app on its mount
// element; push resolves once the route's guards and component are done): a walk of a hundred
// pages need not load the app a hundred times. The first page of a walk is loaded for real.
async function navigate(page, url) {
  const routed =
    new URL(page.url()).origin === BASE &&
    (await page.evaluate(async (u) => {
      const router = document.querySelector('#app')?.__vue_app__?.config.globalProperties.$router
      if (!router) return false
      await router.push(u)
      return true
    }, url))
  if (!routed) await page.goto(`${BASE}${url}`)
}

// One person's pages in one language: the failures found, page by page.
async function visitAs(page, who, visits, lang) {
  const failures = []
  const name = (label) => `phone-${label.replace(/\W+/g, '_')}${lang === 'en' ? '-en' : ''}`
  for (const [label, url] of visits) {
    await navigate(page, url)
    await settled(page)
    const path = new URL(page.url()).pathname
    assert.equal(path, url.split('?')[0], `${label} (${who}) opens ${url}, not ${path}`)
    const where = `${label} ${url} (${who}, ${lang})`
    failures.push(...(await check(page, where)))
    for (const [what, tap] of OPENED[label] || []) {
      await tap(page)
      await settled(page)
      failures.push(...(await check(page, `${where}, ${what}`)))
      if (SHOTS.includes(label)) await shot(page, `${name(label)}-${what.replace(/\W+/g, '_')}`)
    }
    if (failures.length || SHOTS.includes(label)) await shot(page, name(label))
  }
  if (who !== 'anon') failures.push(...(await checkShell(page, `${who}, ${lang}`)))
  return failures
}

// In Chinese, and in English, whose labels run longer: the two walks side by side (each in
// browser contexts of its own; they only read), which halves the longest test of the suite.
test('at 375 px no page scrolls sideways and every tap target is 44 × 44', { timeout: 600000, concurrency: 2 }, async (t) => {
  const walk = (lang) => async () => {
    const failures = []
    const allProblems = []
    for (const [who, visits] of Object.entries(visitPlan())) {
      const { context, page, problems } = await signIn(who, lang)
      try {
        failures.push(...(await visitAs(page, who, visits, lang)))
      } finally {
        allProblems.push(...problems)
        await context.close()
      }
    }
    assert.deepEqual(failures, [])
    assert.deepEqual(allProblems, [])
  }
  await Promise.all(['zh-CN', 'en'].map((lang) => t.test(`in ${lang}`, walk(lang))))
})

// The phone menu behind the hamburger, every group opened, and the user menu.
async function checkShell(page, who) {
  await page.goto(`${BASE}/`)
  await settled(page)
  await page.locator($('menu-toggle')).click()
  const drawer = page.locator('.menu-drawer')
  await drawer.locator('[role=menubar]').waitFor()
  const closed = drawer.locator('.el-sub-menu:not(.is-opened) > .el-sub-menu__title')
  while ((await closed.count()) > 0) await closed.first().click()
  await settled(page)
  const out = await check(page, `phone menu (${who})`)
  await shot(page, `phone-menu-${who.replace(/\W+/g, '_')}`)
  await page.keyboard.press('Escape')
  await drawer.locator('[role=menubar]').waitFor({ state: 'hidden' })
  await page.locator($('user-menu')).click()
  await page.locator($('logout')).waitFor()
  await settled(page)
  out.push(...(await check(page, `user menu (${who})`)))
  return out
}

test('a new page opens at its top; Back returns to where the reader was', { timeout: 90000 }, async () => {
  const { context, page, problems } = await signIn('biz')
  try {
    await page.goto(`${BASE}/workorders/admin/duty`)
    await settled(page)
    const scroller = await page.evaluate(() => {
      // the layout's main area or the document, whichever scrolls
      const main = document.querySelector('.el-main')
      return main.scrollHeight > main.clientHeight && getComputedStyle(main).overflowY !== 'visible' ? 'main' : 'doc'
    })
    const scrollY = (p) =>
      p.evaluate((s) => (s === 'main' ? document.querySelector('.el-main').scrollTop : window.scrollY), scroller)
    await page.evaluate((s) => {
      if (s === 'main') document.querySelector('.el-main').scrollTop = 600
      else window.scrollTo(0, 600)
    }, scroller)
    const before = await scrollY(page)
    assert.ok(before > 100, `the page scrolled down (${before}px)`)
    await page.locator($('menu-toggle')).click()
    await page.locator($('menu-workorderPlans')).click()
    await page.waitForURL(/\/workorders\/admin\/plans$/)
    await settled(page)
    assert.equal(await scrollY(page), 0, 'the new page opens at its top')
    await page.goBack()
    await page.waitForURL(/\/workorders\/admin\/duty$/)
    await settled(page)
    await page.waitForFunction(
      ([s, y]) => Math.abs((s === 'main' ? document.querySelector('.el-main').scrollTop : window.scrollY) - y) < 2,
      [scroller, before],
    )
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
