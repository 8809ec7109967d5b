// 报修 (work orders): submit, the lists, the worker's phone view, one order, 报修统计 and
// 报修设置 (categories, teams, duty roster, PM plans). Server side: src/modules/workorders/.
import { Calendar, DataAnalysis, EditPen, Files, List, OfficeBuilding, Tickets, Timer, Tools, UserFilled } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import messages from './messages.js'

const EVERYONE = ['staff', 'dept_head', 'office', 'worker', 'leader', 'finance', 'supervisor']

const menu = [
  {
    key: 'workorders',
    icon: Tools,
    children: [
      { key: 'workorderNew', path: '/workorders/new', icon: EditPen, roles: EVERYONE },
      { key: 'workorderMine', path: '/workorders/mine', icon: Tickets, roles: EVERYONE },
      { key: 'workorderDept', path: '/workorders/dept', icon: OfficeBuilding, roles: ['dept_head'] },
      { key: 'workorderQueue', path: '/workorders/queue', icon: List, roles: ['office'] },
      { key: 'workorderAll', path: '/workorders/all', icon: List, roles: ['leader', 'supervisor'] },
      { key: 'workorderTasks', path: '/workorders/tasks', icon: Tools, roles: ['worker'] },
      { key: 'workorderStats', path: '/workorders/stats', icon: DataAnalysis, roles: ['office', 'leader', 'supervisor', 'dept_head'] },
      // 报修设置 (office)
      { key: 'workorderCategories', path: '/workorders/admin/categories', icon: Files, roles: ['office'] },
      { key: 'workorderTeams', path: '/workorders/admin/teams', icon: UserFilled, roles: ['office'] },
      { key: 'workorderDuty', path: '/workorders/admin/duty', icon: Calendar, roles: ['office'] },
      { key: 'workorderPlans', path: '/workorders/admin/plans', icon: Timer, roles: ['office'] },
    ],
  },
]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'workorders/new',
    name: 'workorderNew',
    component: () => import('./SubmitPage.vue'),
    meta: { roles: rolesOf('workorderNew') },
  },
  {
    // a location's QR code opens this on a phone
    path: 'm/report',
    name: 'workorderReport',
    component: () => import('./SubmitPage.vue'),
    meta: { roles: rolesOf('workorderNew') },
  },
  {
    path: 'workorders/mine',
    name: 'workorderMine',
    component: () => import('./OrderListPage.vue'),
    props: { scope: 'mine' },
    meta: { roles: rolesOf('workorderMine') },
  },
  {
    path: 'workorders/dept',
    name: 'workorderDept',
    component: () => import('./OrderListPage.vue'),
    props: { scope: 'dept' },
    meta: { roles: rolesOf('workorderDept') },
  },
  {
    path: 'workorders/queue',
    name: 'workorderQueue',
    component: () => import('./OrderListPage.vue'),
    props: { scope: 'all' },
    meta: { roles: rolesOf('workorderQueue') },
  },
  {
    // the same list, read by leaders and the supervisor (纪检监察): no intake, title 全部工单
    path: 'workorders/all',
    name: 'workorderAll',
    component: () => import('./OrderListPage.vue'),
    props: { scope: 'all', titleKey: 'wo.list.everything' },
    meta: { roles: rolesOf('workorderAll') },
  },
  {
    path: 'workorders/tasks',
    name: 'workorderTasks',
    component: () => import('./TasksPage.vue'),
    meta: { roles: rolesOf('workorderTasks') },
  },
  {
    // named <entity>Detail so live.js entityLocation() (inbox, bell) opens it
    path: 'workorders/:id(\\d+)',
    name: 'workorderDetail',
    component: () => import('./OrderDetailPage.vue'),
  },
  {
    path: 'workorders/stats',
    name: 'workorderStats',
    component: () => import('./StatsPage.vue'),
    meta: { roles: rolesOf('workorderStats') },
  },
  {
    path: 'workorders/admin/categories',
    name: 'workorderCategories',
    component: () => import('./CategoriesPage.vue'),
    meta: { roles: rolesOf('workorderCategories') },
  },
  {
    path: 'workorders/admin/teams',
    name: 'workorderTeams',
    component: () => import('./TeamsPage.vue'),
    meta: { roles: rolesOf('workorderTeams') },
  },
  {
    path: 'workorders/admin/duty',
    name: 'workorderDuty',
    component: () => import('./DutyPage.vue'),
    meta: { roles: rolesOf('workorderDuty') },
  },
  {
    path: 'workorders/admin/plans',
    name: 'workorderPlans',
    component: () => import('./PlansPage.vue'),
    meta: { roles: rolesOf('workorderPlans') },
  },
]

// 变更记录 and 审计日志 (src/audit.js): what each audited entity's actions and fields are
// called and how their values read. Keys of before/after → [label key, format]; null hides a
// field that repeats another (status_label is status in words).
const F = 'wo.hist.f.'
const PRIORITY = ['wo.priorityLabel', 'enum:wo.priority']
const WO_ACTIONS = ['create', 'accept', 'dispatch', 'start', 'suspend', 'resume', 'transfer', 'resolve', 'confirm',
  'reopen', 'cancel', 'auto_confirm']

// A category's time limits: 紧急 受理 15 分钟 / 完成 240 分钟；…
function targets(value, { t, label }) {
  return ['urgent', 'high', 'normal', 'low']
    .filter((p) => value[p])
    .map((p) => t('wo.hist.target', {
      priority: label(`wo.priority.${p}`, p),
      accept: value[p].accept_min,
      resolve: value[p].resolve_min,
    }))
    .join('；')
}

const history = [
  {
    entity: 'workorder',
    label: 'wo.hist.workorder',
    actions: {
      ...Object.fromEntries(WO_ACTIONS.map((a) => [a, `wo.action.${a}`])),
      generate: 'wo.hist.generate',
    },
    fields: {
      code: ['wo.code'],
      title: ['wo.title'],
      status: ['common.status', 'enum:wo.status'],
      status_label: null,
      priority: PRIORITY,
      priority_label: null,
      category: ['wo.category', 'ref'],
      location: ['wo.location', 'ref'],
      description: ['wo.description'],
      requester: ['wo.requester', 'ref'],
      requester_dept: [`${F}requesterDept`, 'ref'],
      contact_phone: ['wo.contactPhone'],
      source: [`${F}source`, 'enum:wo.hist.source'],
      owner: ['wo.owner', 'ref'],
      team: ['wo.team', 'ref'],
      worker: ['wo.worker', 'ref'],
      accept_due_at: [`${F}acceptDueAt`, 'time'],
      resolve_due_at: [`${F}resolveDueAt`, 'time'],
      accepted_at: [`${F}acceptedAt`, 'time'],
      dispatched_at: [`${F}dispatchedAt`, 'time'],
      started_at: [`${F}startedAt`, 'time'],
      suspend_reason: [`${F}suspendReason`],
      resolved_at: [`${F}resolvedAt`, 'time'],
      resolution_notes: [`${F}resolutionNotes`],
      parts: [`${F}parts`],
      confirmed_at: [`${F}confirmedAt`, 'time'],
      closed_at: [`${F}closedAt`, 'time'],
      rating: [`${F}rating`, 'enum:wo.rate'],
      rating_comment: [`${F}ratingComment`],
      auto_confirmed: [`${F}autoConfirmed`, 'bool'],
      accept_minutes: [`${F}acceptMinutes`, 'minutes'],
      resolve_minutes: [`${F}resolveMinutes`, 'minutes'],
      accept_on_time: [`${F}acceptOnTime`, 'bool'],
      resolve_on_time: [`${F}resolveOnTime`, 'bool'],
      reopen_count: ['wo.reopenCount'],
      clock_24h: [`${F}clock24h`, 'bool'],
      accept_target_min: [`${F}acceptTarget`, 'minutes'],
      resolve_target_min: [`${F}resolveTarget`, 'minutes'],
      pm_plan_id: [`${F}pmPlan`, 'id'],
      count: [`${F}count`],
      from: [`${F}from`, 'time'],
      to: [`${F}to`, 'time'],
    },
  },
  {
    entity: 'wo_category',
    label: 'wo.hist.category',
    actions: { create: 'audit.actions.create', update: 'audit.actions.update' },
    fields: {
      name: ['wo_admin.cat.name'],
      default_team: ['wo_admin.cat.defaultTeam', 'ref'],
      safety: ['wo_admin.cat.safety', 'bool'],
      targets: ['wo_admin.cat.targets', targets],
      sort_order: ['wo_admin.sort'],
      active: ['common.active', 'bool'],
    },
  },
  {
    entity: 'wo_team',
    label: 'wo.hist.team',
    actions: { create: 'audit.actions.create', update: 'audit.actions.update' },
    fields: {
      name: ['wo_admin.team.name'],
      members: ['wo_admin.team.members', 'refs'],
      active: ['common.active', 'bool'],
    },
  },
  {
    entity: 'wo_duty',
    label: 'wo.hist.duty',
    actions: { set: 'wo.hist.dutySet', clear: 'wo.hist.dutyClear' },
    fields: {
      day: [`${F}day`, 'date'],
      team_id: ['wo_admin.duty.team', 'id'],
      user_id: [`${F}onDuty`, 'id'],
    },
  },
  {
    entity: 'wo_pm_plan',
    label: 'wo.hist.plan',
    actions: { create: 'audit.actions.create', update: 'audit.actions.update' },
    fields: {
      name: ['wo_admin.plan.name'],
      title: ['wo_admin.plan.orderTitle'],
      category: ['wo_admin.plan.category', 'ref'],
      location: ['wo_admin.plan.location', 'ref'],
      team: ['wo_admin.plan.team', 'ref'],
      description: ['wo_admin.plan.description'],
      priority: PRIORITY,
      priority_label: null,
      every: [`${F}every`],
      unit: [`${F}unit`, 'enum:wo.hist.unit'],
      start_date: ['wo_admin.plan.start', 'date'],
      next_date: [`${F}nextDate`, 'date'],
      lead_days: ['wo_admin.plan.leadDays'],
      active: ['common.active', 'bool'],
    },
  },
]

// The 工作台 (pages/home): each counter of GET /workbench (src/modules/workorders/
// workorders_home.c) with its label, the list it equals (same filters) and the menu entry
// that shows it as a badge; the kind of "my open requests" rows; the leaders' figures.
const home = {
  counters: {
    wo_to_accept: { label: 'wo.home.toAccept', to: { name: 'workorderQueue', query: { status: 'submitted' } }, menu: 'workorderQueue' },
    wo_overdue: {
      label: 'wo.home.overdue',
      to: ['workorderQueue', 'workorderAll'].map((name) => ({ name, query: { overdue: '1', status: '' } })),
      warn: true,
    },
    wo_my_tasks: { label: 'wo.home.myTasks', to: { name: 'workorderTasks' }, menu: 'workorderTasks' },
    wo_to_rate: { label: 'wo.home.toRate', to: { name: 'workorderMine', query: { status: 'resolved' } }, menu: 'workorderMine' },
  },
  kinds: {
    workorder: { label: 'wo.home.kind', statusTag: () => import('./WoStatusTag.vue') },
  },
  figures: {
    wo_on_time_rate: { label: 'wo.home.onTimeRate', to: { name: 'workorderStats' } },
    wo_satisfaction: { label: 'wo.home.satisfaction', to: { name: 'workorderStats' } },
  },
}

export default { name: 'workorders', routes, menu, messages, history, home }
