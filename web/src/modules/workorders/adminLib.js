// Shared by the 报修 statistics and admin pages (StatsPage, CategoriesPage, TeamsPage,
// DutyPage, PlansPage): priority codes, Shanghai dates, minute/percentage formatting,
// and the lookups (categories, teams, locations) several of them load.
import { api } from '../../api.js'
import { t } from '../../i18n/index.js'

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] // enum wo_priority order
export const PM_UNITS = ['day', 'week', 'month']
export const STATUSES = ['submitted', 'accepted', 'dispatched', 'in_progress', 'suspended', 'resolved', 'confirmed', 'cancelled']

// ---- dates: calendar dates are Asia/Shanghai (UTC+8, no DST) whatever the browser's zone ----
const SHANGHAI_MS = 8 * 3600 * 1000
const DAY_MS = 24 * 3600 * 1000

// 'YYYY-MM-DD' of an instant in Shanghai (default: now).
export function shanghaiDate(ms = Date.now()) {
  return new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10)
}

// Date arithmetic on 'YYYY-MM-DD' strings (UTC noon avoids any rounding at midnight).
const toUtc = (date) => Date.parse(`${date}T12:00:00Z`)
export const addDays = (date, n) => new Date(toUtc(date) + n * DAY_MS).toISOString().slice(0, 10)
export const weekday = (date) => new Date(toUtc(date)).getUTCDay() // 0 = Sunday
// The Monday of date's week.
export const mondayOf = (date) => addDays(date, -((weekday(date) + 6) % 7))

export function addMonths(date, n) {
  const d = new Date(toUtc(date))
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1, 12))
  return first.toISOString().slice(0, 10)
}

// The server may send a calendar date as 'YYYY-MM-DD' or as yyyymmdd (integer): → 'YYYY-MM-DD'.
export function normDate(v) {
  if (v === null || v === undefined || v === '' || v === 0) return ''
  const s = String(v)
  if (/^\d{8}$/.test(s)) return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`
  return s.slice(0, 10)
}

// ---- numbers ----
// Minutes (business or clock) → '45 分钟' / '2.5 小时'; null → '—'.
export function formatMinutes(m) {
  if (m === null || m === undefined || Number.isNaN(Number(m))) return '—'
  const n = Number(m)
  if (n < 60) return t('wo_admin.minutes', { n: Math.round(n) })
  return t('wo_admin.hours', { n: (n / 60).toFixed(1).replace(/\.0$/, '') })
}

// A rate 0..1 → '93.5%'; null → '—'.
export function formatRate(r) {
  if (r === null || r === undefined || Number.isNaN(Number(r))) return '—'
  return `${(Number(r) * 100).toFixed(1).replace(/\.0$/, '')}%`
}

// ---- references: {id, name} or null, whatever shape the server chose ----
export function refOf(obj, key) {
  const v = obj?.[key]
  if (v && typeof v === 'object') return { id: v.id ?? null, name: v.name ?? v.display_name ?? '' }
  const id = obj?.[`${key}_id`]
  return id ? { id, name: obj?.[`${key}_name`] ?? '' } : null
}

// SLA targets of a category as { urgent: {accept_min, resolve_min}, ... }: the server may
// send an object keyed by priority or an array of { priority, accept_min, resolve_min }.
export function targetsOf(category) {
  const raw = category?.targets ?? category?.sla ?? {}
  const out = {}
  for (const p of PRIORITIES) {
    const row = Array.isArray(raw) ? raw.find((x) => x.priority === p) : raw[p]
    out[p] = { accept_min: row?.accept_min ?? null, resolve_min: row?.resolve_min ?? null }
  }
  return out
}

// A team's members as [{id, name}].
export function membersOf(team) {
  return (team?.members ?? []).map((m) => ({ id: m.id ?? m.user_id, name: m.name ?? m.display_name ?? '' }))
}

// ---- lookups ----
const itemsOf = (data) => (Array.isArray(data) ? data : data?.items ?? [])

export async function fetchCategories(query) {
  return itemsOf(await api.get('/workorder-categories', { query }))
}

export async function fetchTeams() {
  return itemsOf(await api.get('/workorder-teams'))
}

// The location tree [{id, kind, name, path, active, children}].
export async function fetchLocations(query) {
  return itemsOf(await api.get('/locations', { query }))
}

// Empty children arrays make el-cascader show an empty panel: drop them.
export function cascaderTree(nodes) {
  return nodes.map((n) => {
    const out = { ...n }
    if (n.children?.length) out.children = cascaderTree(n.children)
    else delete out.children
    return out
  })
}
