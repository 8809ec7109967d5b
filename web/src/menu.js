// The sidebar: one entry per business domain (DESIGN §1) plus 系统管理.
// `roles` lists who sees an entry (empty: everyone signed in). An entry with
// ready:false is hidden until its module lands and flips it.
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
  Notebook,
  OfficeBuilding,
  Reading,
  Setting,
  Star,
  Tools,
  User,
  Van,
  View,
  WarningFilled,
} from '@element-plus/icons-vue'
import { Finished, List, Operation, Share, Stamp, Tickets } from '@element-plus/icons-vue'
import { MapLocation } from '@element-plus/icons-vue'
import { EditPen, Files, Timer, UserFilled } from '@element-plus/icons-vue'

const EVERYONE = ['staff', 'dept_head', 'office', 'worker', 'leader', 'finance', 'supervisor']
const MANAGERS = ['office', 'leader', 'finance', 'supervisor']

export const menu = [
  { key: 'home', path: '/', icon: HomeFilled, roles: [], ready: true },
  {
    key: 'approvals',
    icon: Stamp,
    children: [
      { key: 'approvalTodo', path: '/approvals/todo', icon: List, roles: [], ready: true },
      { key: 'approvalDecided', path: '/approvals/decided', icon: Finished, roles: [], ready: true },
      { key: 'approvalRequests', path: '/approvals/requests', icon: Tickets, roles: [], ready: true },
      { key: 'approvalDeputies', path: '/approvals/deputies', icon: Share, roles: [], ready: true },
      { key: 'approvalRules', path: '/approvals/rules', icon: Operation, roles: ['office'], ready: true },
    ],
  },
  {
    key: 'workorders',
    icon: Tools,
    children: [
      { key: 'workorderNew', path: '/workorders/new', icon: EditPen, roles: EVERYONE, ready: true },
      { key: 'workorderMine', path: '/workorders/mine', icon: Tickets, roles: EVERYONE, ready: true },
      { key: 'workorderDept', path: '/workorders/dept', icon: OfficeBuilding, roles: ['dept_head'], ready: true },
      { key: 'workorderQueue', path: '/workorders/queue', icon: List, roles: ['office'], ready: true },
      { key: 'workorderTasks', path: '/workorders/tasks', icon: Tools, roles: ['worker'], ready: true },
      { key: 'workorderStats', path: '/workorders/stats', icon: DataAnalysis, roles: ['office', 'leader', 'supervisor', 'dept_head'], ready: true },
      // 报修设置 (office)
      { key: 'workorderCategories', path: '/workorders/admin/categories', icon: Files, roles: ['office'], ready: true },
      { key: 'workorderTeams', path: '/workorders/admin/teams', icon: UserFilled, roles: ['office'], ready: true },
      { key: 'workorderDuty', path: '/workorders/admin/duty', icon: Calendar, roles: ['office'], ready: true },
      { key: 'workorderPlans', path: '/workorders/admin/plans', icon: Timer, roles: ['office'], ready: true },
    ],
  },
  { key: 'vehicles', path: '/vehicles', icon: Van, roles: EVERYONE, ready: false },
  { key: 'supplies', path: '/supplies', icon: Box, roles: EVERYONE, ready: false },
  { key: 'assets', path: '/assets', icon: Monitor, roles: EVERYONE, ready: false },
  { key: 'meetings', path: '/meetings', icon: Calendar, roles: EVERYONE, ready: false },
  { key: 'canteen', path: '/canteen', icon: Food, roles: EVERYONE, ready: false },
  { key: 'reception', path: '/reception', icon: Coffee, roles: ['staff', 'dept_head', ...MANAGERS], ready: false },
  { key: 'finance', path: '/finance', icon: Money, roles: ['dept_head', ...MANAGERS], ready: false },
  { key: 'contracts', path: '/contracts', icon: Document, roles: MANAGERS, ready: false },
  { key: 'inspections', path: '/inspections', icon: View, roles: ['worker', ...MANAGERS], ready: false },
  { key: 'safety', path: '/safety', icon: WarningFilled, roles: ['worker', ...MANAGERS], ready: false },
  { key: 'energy', path: '/energy', icon: Lightning, roles: MANAGERS, ready: false },
  { key: 'surveys', path: '/surveys', icon: Star, roles: EVERYONE, ready: false },
  { key: 'training', path: '/training', icon: Reading, roles: EVERYONE, ready: false },
  { key: 'reports', path: '/reports', icon: DataAnalysis, roles: ['dept_head', ...MANAGERS], ready: false },
  {
    key: 'admin',
    icon: Setting,
    children: [
      { key: 'departments', path: '/admin/departments', icon: OfficeBuilding, roles: ['sysadmin'], ready: true },
      { key: 'users', path: '/admin/users', icon: User, roles: ['sysadmin', 'secadmin', 'auditor', 'supervisor'], ready: true },
      // The office edits the calendar; sysadmin may look (the API lets every signed-in user read).
      { key: 'calendar', path: '/admin/calendar', icon: Calendar, roles: ['office', 'sysadmin'], ready: true },
      // 位置 (building → floor → room) and their QR labels; everyone reads the tree through the API.
      { key: 'locations', path: '/locations', icon: MapLocation, roles: ['office', 'sysadmin'], ready: true },
      { key: 'audit', path: '/admin/audit', icon: Notebook, roles: ['supervisor', 'auditor'], ready: true },
    ],
  },
]

function find(key, entries = menu) {
  for (const entry of entries) {
    if (entry.key === key) return entry
    const inner = entry.children && find(key, entry.children)
    if (inner) return inner
  }
  return null
}

// Routes take their role lists from here, so menu and router cannot disagree.
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
