// Test data for the browser tests, made through the HTTP API the way the web UI makes it
// (web/src/api.js: the session cookie, JSON bodies, X-CSRF-Token on every write). Nothing
// here relies on `houqin init --demo`: a test file builds the departments, people, rules,
// locations, teams, categories and orders it needs on a plain database, under names made
// unique by lib.mjs's `stamp`, so files run alone or together, on a fresh or a reused
// database. Not a test file (node's test patterns skip it).
//
// Who may do what follows 三员分立: the sysadmin (HOUQIN_ADMIN_USER) creates departments and
// users, the secadmin (HOUQIN_SECADMIN_USER) grants their roles, an office user (后勤管理员)
// sets up approval rules, locations, teams and categories. tests/e2e/run.sh makes both
// admins and exports their passwords; every user created here has the password PASSWORD.
import assert from 'node:assert/strict'
import { ADMIN_PASSWORD, ADMIN_USER, BASE, PASSWORD, SECADMIN_PASSWORD, SECADMIN_USER, WAIT, stamp } from './lib.mjs'

// ---------- an API session ----------

// Signs in as username; returns { user, csrf, call, get, post, put, del }. call(method, path,
// body) sends JSON to /api/v1<path> and returns the parsed answer, or throws with the
// server's status and error body. Every request (and its body) must finish within WAIT.
export async function apiLogin(username, password = PASSWORD) {
  const res = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(WAIT),
  })
  const text = await res.text()
  assert.equal(res.status, 200, `login ${username}: ${text}`)
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const { user, csrf_token: csrf } = JSON.parse(text)
  const call = async (method, path, body) => {
    const headers = { Accept: 'application/json', Cookie: cookie }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf
    const r = await fetch(`${BASE}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(WAIT),
    })
    const answer = await r.text()
    if (!r.ok) throw new Error(`${username}: ${method} ${path} → ${r.status}: ${answer}`)
    return answer ? JSON.parse(answer) : {}
  }
  return {
    user,
    csrf,
    call,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    del: (path) => call('DELETE', path),
  }
}

// The items of a list answer ({items, total}) or a plain array.
export const items = (data) => (Array.isArray(data) ? data : data.items || [])

// Runs fn over values, `width` at a time, in order of the values; returns the results.
async function inBatches(values, width, fn) {
  const out = []
  for (let i = 0; i < values.length; i += width) out.push(...(await Promise.all(values.slice(i, i + width).map(fn))))
  return out
}

// ---------- departments and people ----------

let admins
// The sysadmin's and the secadmin's sessions, made once per test file.
export function adminSessions() {
  admins ??= (async () => {
    assert.ok(ADMIN_PASSWORD, 'HOUQIN_ADMIN_PASSWORD must hold the sysadmin password (tests/e2e/run.sh sets it)')
    assert.ok(SECADMIN_PASSWORD, 'HOUQIN_SECADMIN_PASSWORD must hold the secadmin password (tests/e2e/run.sh sets it)')
    const [sys, sec] = await Promise.all([apiLogin(ADMIN_USER, ADMIN_PASSWORD), apiLogin(SECADMIN_USER, SECADMIN_PASSWORD)])
    return { sys, sec }
  })()
  return admins
}

// A department under parent (default: the agency, the tree's root), named `${name}·${stamp}`.
export async function department(name, { parent, code } = {}) {
  const { sys } = await adminSessions()
  let parentId = parent?.id
  if (!parentId) parentId = items(await sys.get('/departments')).find((d) => !d.parent_id).id
  return sys.post('/departments', { parent_id: parentId, name: `${name}·${stamp}`, code })
}

// A user `${login}_${stamp}` (or the username given) in dept: created by the sysadmin (as
// staff), then given roles by the secadmin. Returns the user as the API shows it plus
// { username, password, roles }.
export async function person(login, { name, dept, roles = ['staff'], phone, username = `${login}_${stamp}` } = {}) {
  const { sys, sec } = await adminSessions()
  const user = await sys.post('/users', {
    username,
    display_name: name || login,
    phone,
    department_id: dept.id,
    password: PASSWORD,
  })
  if (roles.join() !== 'staff') await sec.put(`/users/${user.id}/roles`, { roles })
  return { ...user, username, password: PASSWORD, roles }
}

// Several people at once: { key: { login, name, dept, roles, phone } } → { key: person }.
export async function people(spec) {
  const keys = Object.keys(spec)
  const made = await inBatches(keys, 4, (k) => person(spec[k].login || k, spec[k]))
  return Object.fromEntries(keys.map((k, i) => [k, made[i]]))
}

// ---------- approvals ----------

// An active rule for 通用事项申请 on [minYuan, maxYuan) (fen on the wire), made by office:
// steps are [name, role, scope] (scope: dept_head | role | committee).
export function approvalRule(office, { name, min, max, priority = 500, steps }) {
  return office.post('/approval-rules', {
    kind: 'general',
    name: `${name}·${stamp}`,
    min_amount_fen: min,
    max_amount_fen: max,
    priority,
    active: true,
    steps: steps.map(([n, role, scope]) => ({ name: n, role, scope })),
  })
}

// ---------- locations, teams, categories ----------

const TARGETS = {
  urgent: { accept_min: 30, resolve_min: 240 },
  high: { accept_min: 60, resolve_min: 480 },
  normal: { accept_min: 120, resolve_min: 960 },
  low: { accept_min: 240, resolve_min: 2400 },
}

// A building `${name}·${stamp}` with floors and rooms: { '1层': ['101', '102'], ... }.
// Returns { building, rooms: [room...] } (each room with its path as the API gives it).
export async function building(office, name, floors) {
  const b = await office.post('/locations', { kind: 'building', name: `${name}·${stamp}` })
  const rooms = []
  for (const [floorName, roomNames] of Object.entries(floors)) {
    const f = await office.post('/locations', { kind: 'floor', parent_id: b.id, name: floorName })
    for (const r of roomNames) rooms.push(await office.post('/locations', { kind: 'room', parent_id: f.id, name: r }))
  }
  return { building: b, rooms }
}

// A repair team `${name}·${stamp}` with these workers.
export const team = (office, name, workers) =>
  office.post('/workorder-teams', { name: `${name}·${stamp}`, active: true, member_ids: workers.map((w) => w.id) })

// A work-order category `${name}·${stamp}` dispatched to team by default.
export const category = (office, name, team, { safety = false } = {}) =>
  office.post('/workorder-categories', { name: `${name}·${stamp}`, default_team_id: team.id, safety, targets: TARGETS })

// The usual set-up of the work-order tests: an office user, workers, a requester and a
// department head in their own departments; a building with rooms; two teams and three
// categories. Returns the people (with .api: their session) and the records.
export async function workorderWorld() {
  const logistics = await department('机关后勤服务中心')
  const prosecution = await department('第一检察部')
  const who = await people({
    office: { name: '王建国', dept: logistics, roles: ['office', 'staff'], phone: '13800000001' },
    worker1: { name: '蒋师傅', dept: logistics, roles: ['worker', 'staff'], phone: '13800000011' },
    worker2: { name: '韩师傅', dept: logistics, roles: ['worker', 'staff'], phone: '13800000012' },
    worker3: { name: '杨师傅', dept: logistics, roles: ['worker', 'staff'], phone: '13800000013' },
    staff1: { name: '许晓明', dept: prosecution, phone: '13800000021' },
    staff2: { name: '何佳', dept: prosecution, phone: '13800000022' },
  })
  const sessions = await Promise.all(Object.values(who).map((p) => apiLogin(p.username)))
  Object.values(who).forEach((p, i) => (p.api = sessions[i]))
  const office = who.office.api
  const { building: main, rooms } = await building(office, '综合办公楼', {
    '1层': ['101 接待室', '102 档案室'],
    '2层': ['201 会议室', '202 办公室'],
    '3层': ['301 卫生间', '302 办公室'],
  })
  const waterTeam = await team(office, '水电班', [who.worker1, who.worker2])
  const fixTeam = await team(office, '综合维修班', [who.worker3, who.worker1])
  const categories = [
    await category(office, '水电维修', waterTeam),
    await category(office, '门窗家具', fixTeam),
    await category(office, '空调暖通', fixTeam),
  ]
  return { depts: { logistics, prosecution }, who, building: main, rooms, teams: [waterTeam, fixTeam], categories }
}

// Orders in every state, for lists and statistics to show: each spec is
// { category, room, title, priority, until, rating, worker } with until one of submitted,
// accepted, dispatched, in_progress, resolved, confirmed (default). Requester: world staff.
export async function orders(world, specs) {
  const { office, staff1, staff2 } = world.who
  const steps = ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'confirmed']
  const made = []
  for (const [i, s] of specs.entries()) {
    const requester = i % 2 ? staff2 : staff1
    const worker = s.worker || world.who.worker1
    const until = steps.indexOf(s.until || 'confirmed')
    const o = await requester.api.post('/workorders', {
      category_id: s.category.id,
      location_id: s.room.id,
      title: s.title,
      description: s.description || `${s.title}，请尽快处理。`,
      priority: s.priority || 'normal',
      contact_phone: requester.phone,
    })
    if (until >= 1) await office.api.post(`/workorders/${o.id}/accept`, {})
    if (until >= 2) await office.api.post(`/workorders/${o.id}/dispatch`, { worker_id: worker.id })
    if (until >= 3) await worker.api.post(`/workorders/${o.id}/start`, {})
    if (until >= 4) await worker.api.post(`/workorders/${o.id}/resolve`, { notes: s.notes || '已处理，恢复正常。' })
    if (until >= 5) await requester.api.post(`/workorders/${o.id}/confirm`, { rating: s.rating || 5, comment: s.comment })
    made.push(o)
  }
  return made
}

// ---------- supplies ----------

// A 统一社会信用代码 of our own: 17 characters from the stamp and seed, and the GB 32100-2015
// check character (weights 3^i mod 31), so POST /suppliers takes it.
export function creditCode(seed = 0) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const body = `9111${String(seed % 10000).padStart(4, '0')}${String(parseInt(stamp.slice(-6), 36) % 1e9).padStart(9, '0')}`
  let sum = 0
  for (let i = 0, w = 1; i < 17; i++, w = (w * 3) % 31) sum += chars.indexOf(body[i]) * w
  return body + chars[(31 - (sum % 31)) % 31]
}
