// Shared by the audit log page (modules/audit/AuditPage.vue), the history timeline
// (components/EntityHistory.vue) and the before/after diff (components/AuditDiff.vue).
import { t } from './i18n/index.js'

// Codes the server writes today; other codes (from later modules) show as they are,
// and the page's filters accept any typed code.
export const AUDIT_ENTITIES = ['user', 'department', 'session', 'api_token', 'audit_checkpoint']
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'set_roles',
  'change_password',
  'change_password_failed',
  'change_password_rate_limited',
  'reset_password',
  'lock',
  'unlock',
  'login',
  'login_failed',
  'login_locked',
  'login_rate_limited',
  'logout',
  'revoke',
  'checkpoint',
  'audit_keyed',
]

// Refusals and failures stand out in the log.
export const isAlarm = (code) => /^login_|_failed$|_rate_limited$/.test(code)

function labelOr(key, code) {
  const text = t(key)
  return text === key ? code : text
}

export const actionLabel = (code) => labelOr(`audit.actions.${code}`, code)
export const entityLabel = (code) => labelOr(`audit.entities.${code}`, code)

// "操作人": display name (username); rows without a person are 命令行 (ip "cli", an operator
// on the server) or 系统 (e.g. a failed login with an unknown user name).
export function actorLabel(actor, ip) {
  if (!actor) return ip === 'cli' ? t('audit.cli') : t('audit.system')
  if (!actor.display_name || actor.display_name === actor.username) return actor.username ?? `#${actor.id}`
  return `${actor.display_name}（${actor.username}）`
}

function show(value) {
  if (value === undefined || value === null || value === '') return '—'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

function asObject(value) {
  if (value === null || value === undefined) return {}
  return typeof value === 'object' && !Array.isArray(value) ? value : { value }
}

// One row per key of before ∪ after: { key, before, after, changed } with values as text.
// A side that is null (a create has no before) shows as empty; every key then counts as changed.
export function diffRows(before, after) {
  const b = asObject(before)
  const a = asObject(after)
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
  return keys.map((key) => {
    const changed = JSON.stringify(b[key] ?? null) !== JSON.stringify(a[key] ?? null)
    return { key, before: before === null ? '' : show(b[key]), after: after === null ? '' : show(a[key]), changed }
  })
}
