import { createRouter, createWebHistory } from 'vue-router'
import { onUnauthorized } from './api.js'
import { rolesOf } from './menu.js'
import { clearSession, hasAnyRole, restoreSession, session } from './session.js'

const routes = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./pages/login/LoginPage.vue'),
    meta: { public: true },
  },
  {
    path: '/',
    component: () => import('./layout/AppLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./pages/home/HomePage.vue') },
      {
        path: 'account/password',
        name: 'password',
        component: () => import('./pages/account/PasswordPage.vue'),
      },
      {
        path: 'notifications',
        name: 'notifications',
        component: () => import('./modules/notifications/InboxPage.vue'),
      },
      {
        path: 'admin/departments',
        name: 'departments',
        component: () => import('./modules/org/DepartmentsPage.vue'),
        meta: { roles: rolesOf('departments') },
      },
      {
        path: 'admin/users',
        name: 'users',
        component: () => import('./modules/org/UsersPage.vue'),
        meta: { roles: rolesOf('users') },
      },
      {
        path: 'print/users',
        name: 'usersPrint',
        component: () => import('./modules/org/UsersPrintPage.vue'),
        meta: { roles: rolesOf('users') },
      },
      {
        path: 'admin/calendar',
        name: 'calendar',
        component: () => import('./modules/calendar/CalendarPage.vue'),
        meta: { roles: rolesOf('calendar') },
      },
      {
        path: 'admin/audit',
        name: 'audit',
        component: () => import('./modules/audit/AuditPage.vue'),
        meta: { roles: rolesOf('audit') },
      },
      {
        path: 'locations',
        name: 'locations',
        component: () => import('./modules/locations/LocationsPage.vue'),
        meta: { roles: rolesOf('locations') },
      },
      {
        path: 'locations/:id(\\d+)/labels',
        name: 'locationLabels',
        component: () => import('./modules/locations/LocationLabelsPage.vue'),
        meta: { roles: rolesOf('locations') },
      },
      {
        path: 'approvals/todo',
        name: 'approvalTodo',
        component: () => import('./modules/approvals/TodoPage.vue'),
        meta: { roles: rolesOf('approvalTodo') },
      },
      {
        path: 'approvals/decided',
        name: 'approvalDecided',
        component: () => import('./modules/approvals/DecidedPage.vue'),
        meta: { roles: rolesOf('approvalDecided') },
      },
      {
        path: 'approvals/requests',
        name: 'approvalRequests',
        component: () => import('./modules/approvals/RequestsPage.vue'),
        meta: { roles: rolesOf('approvalRequests') },
      },
      {
        path: 'approvals/deputies',
        name: 'approvalDeputies',
        component: () => import('./modules/approvals/DeputiesPage.vue'),
        meta: { roles: rolesOf('approvalDeputies') },
      },
      {
        path: 'approvals/rules',
        name: 'approvalRules',
        component: () => import('./modules/approvals/RulesPage.vue'),
        meta: { roles: rolesOf('approvalRules') },
      },
      {
        path: 'approvals/:id(\\d+)',
        name: 'approvalDetail',
        component: () => import('./modules/approvals/ApprovalDetail.vue'),
      },
      // 报修 (work orders): submit, the lists, the worker's phone view, one order
      {
        path: 'workorders/new',
        name: 'workorderNew',
        component: () => import('./modules/workorders/SubmitPage.vue'),
        meta: { roles: rolesOf('workorderNew') },
      },
      {
        path: 'm/report',
        name: 'workorderReport',
        component: () => import('./modules/workorders/SubmitPage.vue'),
        meta: { roles: rolesOf('workorderNew') },
      },
      {
        path: 'workorders/mine',
        name: 'workorderMine',
        component: () => import('./modules/workorders/OrderListPage.vue'),
        props: { scope: 'mine' },
        meta: { roles: rolesOf('workorderMine') },
      },
      {
        path: 'workorders/dept',
        name: 'workorderDept',
        component: () => import('./modules/workorders/OrderListPage.vue'),
        props: { scope: 'dept' },
        meta: { roles: rolesOf('workorderDept') },
      },
      {
        path: 'workorders/queue',
        name: 'workorderQueue',
        component: () => import('./modules/workorders/OrderListPage.vue'),
        props: { scope: 'all' },
        meta: { roles: rolesOf('workorderQueue') },
      },
      {
        path: 'workorders/tasks',
        name: 'workorderTasks',
        component: () => import('./modules/workorders/TasksPage.vue'),
        meta: { roles: rolesOf('workorderTasks') },
      },
      {
        // named <entity>Detail so live.js entityLocation() (inbox, bell) opens it
        path: 'workorders/:id(\\d+)',
        name: 'workorderDetail',
        component: () => import('./modules/workorders/OrderDetailPage.vue'),
      },
      // 报修统计 and 报修设置 (categories, teams, duty roster, PM plans)
      {
        path: 'workorders/stats',
        name: 'workorderStats',
        component: () => import('./modules/workorders/StatsPage.vue'),
        meta: { roles: rolesOf('workorderStats') },
      },
      {
        path: 'workorders/admin/categories',
        name: 'workorderCategories',
        component: () => import('./modules/workorders/CategoriesPage.vue'),
        meta: { roles: rolesOf('workorderCategories') },
      },
      {
        path: 'workorders/admin/teams',
        name: 'workorderTeams',
        component: () => import('./modules/workorders/TeamsPage.vue'),
        meta: { roles: rolesOf('workorderTeams') },
      },
      {
        path: 'workorders/admin/duty',
        name: 'workorderDuty',
        component: () => import('./modules/workorders/DutyPage.vue'),
        meta: { roles: rolesOf('workorderDuty') },
      },
      {
        path: 'workorders/admin/plans',
        name: 'workorderPlans',
        component: () => import('./modules/workorders/PlansPage.vue'),
        meta: { roles: rolesOf('workorderPlans') },
      },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })

// Only same-site paths are followed after login ("//host" would leave the site).
export function safeRedirect(target) {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') ? target : '/'
}

router.beforeEach(async (to) => {
  await restoreSession()
  if (to.meta.public) {
    return session.user && to.name === 'login' ? safeRedirect(to.query.redirect) : true
  }
  if (!session.user) return { name: 'login', query: { redirect: to.fullPath } }
  if (!to.matched.every((r) => hasAnyRole(r.meta.roles))) return { name: 'home' }
  return true
})

// Session expired or revoked while the page was open: back to login, then back here.
onUnauthorized(() => {
  clearSession()
  const current = router.currentRoute.value
  if (!current.meta.public) router.replace({ name: 'login', query: { redirect: current.fullPath } })
})
