// The sidebar: one entry per business domain (DESIGN §1) plus 系统管理. The entries come from
// the web modules (src/modules/index.js); this file only decides where they go:
//  - SLOTS is the top level in sidebar order. A module's top-level entry (a link, or a group
//    with children) takes the slot with its key; one whose key has no slot goes just before
//    系统管理.
//  - An entry with `group: '<key>'` joins instead the children of the group slot with that key,
//    in module-list order: 系统管理 ('admin') is such a group, owned by the shell.
//  - A slot with a placeholder ({ key, path, icon, roles }) that no module fills yet is a
//    domain not built: it stays in the menu with ready:false, which hides it (its roles are
//    already decided, and its label waits in src/i18n/ under menu.<key>). When the module
//    lands, its own entry replaces the placeholder, ready, and its own menu.<key> label
//    replaces the waiting one; the placeholder's fields may then be trimmed to { key }.
// `roles` lists who sees an entry (empty: everyone signed in).
import {
  Box,
  Calendar,
  Coffee,
  DataAnalysis,
  Document,
  Food,
  HomeFilled,
  Lightning,
  Money,
  Monitor,
  Reading,
  Setting,
  Star,
  Van,
  View,
  WarningFilled,
} from '@element-plus/icons-vue'
import { modules } from './modules/index.js'

const EVERYONE = ['staff', 'dept_head', 'office', 'worker', 'leader', 'finance', 'supervisor']
const MANAGERS = ['office', 'leader', 'finance', 'supervisor']

const SLOTS = [
  { key: 'home', path: '/', icon: HomeFilled, roles: [], ready: true }, // the shell's own page
  { key: 'approvals' },
  { key: 'workorders' },
  { key: 'vehicles', path: '/vehicles', icon: Van, roles: EVERYONE },
  { key: 'supplies', path: '/supplies', icon: Box, roles: EVERYONE },
  { key: 'assets', path: '/assets', icon: Monitor, roles: EVERYONE },
  { key: 'meetings', path: '/meetings', icon: Calendar, roles: EVERYONE },
  { key: 'canteen', path: '/canteen', icon: Food, roles: EVERYONE },
  { key: 'reception', path: '/reception', icon: Coffee, roles: ['staff', 'dept_head', ...MANAGERS] },
  { key: 'finance', path: '/finance', icon: Money, roles: ['dept_head', ...MANAGERS] },
  { key: 'contracts', path: '/contracts', icon: Document, roles: MANAGERS },
  { key: 'inspections', path: '/inspections', icon: View, roles: ['worker', ...MANAGERS] },
  { key: 'safety', path: '/safety', icon: WarningFilled, roles: ['worker', ...MANAGERS] },
  { key: 'energy', path: '/energy', icon: Lightning, roles: MANAGERS },
  { key: 'surveys', path: '/surveys', icon: Star, roles: EVERYONE },
  { key: 'training', path: '/training', icon: Reading, roles: EVERYONE },
  { key: 'reports', path: '/reports', icon: DataAnalysis, roles: ['dept_head', ...MANAGERS] },
  { key: 'admin', icon: Setting, children: [] }, // 系统管理: modules join it with group: 'admin'
]

function ready(entry) {
  const out = { ...entry, ready: true }
  delete out.group
  if (entry.children) out.children = entry.children.map(ready)
  return out
}

// SLOTS filled from the modules' menus; throws on a key used twice or an unknown group.
export function buildMenu(list = modules) {
  const slots = SLOTS.map((slot) => ({ slot, entry: null, children: slot.children ? [] : null }))
  const byKey = new Map(slots.map((s) => [s.slot.key, s]))
  const extra = []
  const seen = new Set(SLOTS.filter((s) => s.children || s.ready).map((s) => s.key))
  const claim = (key, where) => {
    if (seen.has(key)) throw new Error(`menu: '${key}' (module ${where}) is used twice`)
    seen.add(key)
  }
  for (const mod of list) {
    for (const entry of mod.menu) {
      claim(entry.key, mod.name)
      for (const child of entry.children || []) claim(child.key, mod.name)
      if (entry.group) {
        const group = byKey.get(entry.group)
        if (!group?.children) throw new Error(`menu: '${entry.key}' (module ${mod.name}) names unknown group '${entry.group}'`)
        group.children.push(ready(entry))
      } else if (byKey.has(entry.key)) {
        byKey.get(entry.key).entry = ready(entry)
      } else {
        extra.push(ready(entry))
      }
    }
  }
  const out = []
  for (const { slot, entry, children } of slots) {
    if (slot.key === 'admin') out.push(...extra)
    if (entry) out.push(entry)
    else if (children) out.push({ ...slot, children })
    else if (slot.ready) out.push(slot)
    else if (slot.path) out.push({ ...slot, ready: false })
  }
  return out
}

export const menu = buildMenu()

function find(key, entries = menu) {
  for (const entry of entries) {
    if (entry.key === key) return entry
    const inner = entry.children && find(key, entry.children)
    if (inner) return inner
  }
  return null
}

// The roles of any entry (a module's routes take theirs from its own menu: menuRoles.js).
export function rolesOf(key) {
  return find(key).roles
}

// The entries a user with these roles sees; a group shows when any child does.
export function visibleMenu(canSee) {
  const out = []
  for (const entry of menu) {
    if (entry.children) {
      const children = entry.children.filter((c) => c.ready && canSee(c.roles))
      if (children.length) out.push({ ...entry, children })
    } else if (entry.ready && canSee(entry.roles)) {
      out.push(entry)
    }
  }
  return out
}
