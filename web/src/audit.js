// Shared by the audit log page (modules/audit/AuditPage.vue), the history timeline
// (components/EntityHistory.vue) and the before/after diff (components/AuditDiff.vue).
//
// What an audit record means comes from the web modules' descriptors: each
// src/modules/<d>/index.js may export `history`, a list of the entities the module writes
// to the audit log:
//   { entity: 'workorder',                    the code the server passes to aud_record()
//     label: 'wo.hist.workorder',             message key of the entity's name
//     actions: { accept: 'wo.action.accept' } action code → message key
//     fields: { title: ['wo.title'],          key of before/after → [label key, format]
//               status: ['wo.hist.status', 'enum:wo.status'],
//               status_label: null } }        null: never shown (a copy of another field)
// Formats are the keys of FORMATS below, 'enum:<prefix>' (the label is <prefix>.<code>) or a
// function (value, { t, label, format, entity }) → text for a shape of the module's own (t:
// the catalogue; label(key, code): the text of key, else code; format(value, format): as
// here; entity(code): an entity's name).
// A field, action or entity that no module declares still shows (its code, its value made
// readable), so later modules degrade gracefully until they declare theirs.
import { modules } from './modules/index.js'
import { formatFen, formatTime } from './format.js'
import { t } from './i18n/index.js'

const DECLARED = modules.flatMap((m) => m.history ?? [])
const BY_ENTITY = new Map(DECLARED.map((h) => [h.entity, h]))
// Bookkeeping every record carries: the entry's own #id and time say it already.
const ALWAYS_HIDDEN = new Set(['id', 'created_at', 'updated_at'])

// Refusals and failures stand out in the log.
export const isAlarm = (code) => /^login_|_failed$|_rate_limited$/.test(code)

function labelOr(key, code) {
  if (!key) return code
  const text = t(key)
  return text === key ? code : text
}

// Every entity any module declares, in module order (the audit page's object filter).
export const auditEntities = () => DECLARED.map((h) => h.entity)

// The actions of one entity, or of all of them without duplicates (the action filter).
export function auditActions(entity) {
  const decls = entity && BY_ENTITY.has(entity) ? [BY_ENTITY.get(entity)] : DECLARED
  return [...new Set(decls.flatMap((h) => Object.keys(h.actions ?? {})))]
}

export const entityLabel = (code) => labelOr(BY_ENTITY.get(code)?.label, code)

// The entity's own label for the action (create of a work order is 提交报修), else the first
// module's that has the code, else the generic audit.actions.<code>, else the code.
export function actionLabel(code, entity) {
  const own = BY_ENTITY.get(entity)?.actions?.[code]
  if (own) return labelOr(own, code)
  const generic = labelOr(`audit.actions.${code}`, code)
  if (generic !== code) return generic
  return labelOr(DECLARED.find((h) => h.actions?.[code])?.actions[code], code)
}

// "操作人": display name (username); rows without a person are 命令行 (ip "cli", an operator
// on the server) or 系统 (a job, or a failed login with an unknown user name).
export function actorLabel(actor, ip) {
  if (!actor) return ip === 'cli' ? t('audit.cli') : t('audit.system')
  if (!actor.display_name || actor.display_name === actor.username) return actor.username ?? `#${actor.id}`
  return `${actor.display_name}（${actor.username}）`
}

const empty = (v) => v === undefined || v === null || v === ''
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/
const YMD = /^(\d{4})(\d\d)(\d\d)$/

// A referenced record as a person names it: {"id":1,"name":"水电"} → 水电.
function refName(v) {
  if (typeof v !== 'object') return String(v)
  return v.path || v.name || v.display_name || v.username || v.title || (v.id ? `#${v.id}` : '')
}

// Any value without a declared format: never raw JSON.
function plain(v) {
  if (empty(v)) return ''
  if (typeof v === 'boolean') return t(v ? 'audit.yes' : 'audit.no')
  if (typeof v === 'string') return ISO_TIME.test(v) ? formatTime(v) : v
  if (Array.isArray(v)) return v.map(plain).filter((s) => s !== '').join('、')
  if (typeof v === 'object') {
    const name = refName(v)
    if (name) return name
    return Object.entries(v)
      .map(([k, x]) => `${k}：${plain(x) || '—'}`)
      .join('；')
  }
  return String(v)
}

const FORMATS = {
  text: plain,
  ref: refName,
  refs: (v) => (Array.isArray(v) ? v.map(refName).join('、') : refName(v)),
  bool: (v) => t(v ? 'audit.yes' : 'audit.no'),
  time: (v) => formatTime(v),
  date: (v) => {
    const m = YMD.exec(String(v))
    return m ? `${m[1]}-${m[2]}-${m[3]}` : String(v)
  },
  fen: formatFen,
  minutes: (v) => t('audit.minutes', { n: v }),
  id: (v) => (v ? `#${v}` : ''), // a record only known by its number; 0 is none
  roles: (v) => (Array.isArray(v) ? v : [v]).map((r) => labelOr(`role.${r}`, r)).join('、'),
}

// value as a person reads it under the field's format; '' when there is nothing.
export function formatValue(value, format) {
  if (empty(value)) return ''
  if (typeof format === 'function') return format(value, HELPERS)
  if (typeof format === 'string' && format.startsWith('enum:')) {
    return labelOr(`${format.slice(5)}.${value}`, String(value))
  }
  return (FORMATS[format] ?? plain)(value)
}

// What a module's own format function gets besides the value.
const HELPERS = { t, label: labelOr, format: formatValue, entity: entityLabel }

function asObject(value) {
  if (value === null || value === undefined) return {}
  return typeof value === 'object' && !Array.isArray(value) ? value : { value }
}

// The declared fields first, in their order, then the others by name.
function orderedKeys(fields, b, a) {
  const present = new Set([...Object.keys(b), ...Object.keys(a)])
  const declared = Object.keys(fields).filter((k) => present.has(k))
  const rest = [...present].filter((k) => !(k in fields)).sort()
  return [...declared, ...rest].filter((k) => !ALWAYS_HIDDEN.has(k) && fields[k] !== null)
}

// One row per shown key of before ∪ after: { key, label, before, after, changed }, values as
// text ('' for nothing). A side that is null (a create has no before) shows as empty.
export function diffRows(before, after, entity) {
  const fields = BY_ENTITY.get(entity)?.fields ?? {}
  const b = asObject(before)
  const a = asObject(after)
  return orderedKeys(fields, b, a).map((key) => {
    const [label, format] = fields[key] ?? []
    const changed = JSON.stringify(b[key] ?? null) !== JSON.stringify(a[key] ?? null)
    return {
      key,
      label: labelOr(label, key),
      before: formatValue(b[key], format),
      after: formatValue(a[key], format),
      changed,
    }
  })
}
