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

// The 工作台 (pages/home): each counter of GET /workbench (src/modules/workorders/
// workorders_home.c) with its label, the list it equals (same filters) and the menu entry
// that shows it as a badge; the kind of "my open requests" rows; the leaders' figures.
const home = {
  counters: {
    wo_to_accept: { label: 'wo.home.toAccept', to: { name: 'workorderQueue', query: { status: 'submitted' } }, menu: 'workorderQueue' },
    wo_overdue: { label: 'wo.home.overdue', to: { name: 'workorderQueue', query: { overdue: '1', status: '' } }, warn: true },
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

export default { name: 'workorders', routes, menu, messages, home }
