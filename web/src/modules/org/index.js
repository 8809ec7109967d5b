// 部门管理, 用户管理 (with the printable user list), the secadmin's API 令牌管理 and 单位设置, in 系统管理.
// Server side: src/modules/org/.
import { Key, OfficeBuilding, Tools, User } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import messages from './messages.js'

const menu = [
  { key: 'departments', group: 'admin', path: '/admin/departments', icon: OfficeBuilding, roles: ['sysadmin'] },
  { key: 'users', group: 'admin', path: '/admin/users', icon: User, roles: ['sysadmin', 'secadmin', 'auditor', 'supervisor'] },
  { key: 'apiTokens', group: 'admin', path: '/admin/tokens', icon: Key, roles: ['secadmin'] },
  // The sysadmin saves it; the office, who prints the QR labels, reads it.
  { key: 'agencySettings', group: 'admin', path: '/admin/settings', icon: Tools, roles: ['sysadmin', 'office'] },
]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'admin/departments',
    name: 'departments',
    component: () => import('./DepartmentsPage.vue'),
    meta: { roles: rolesOf('departments') },
  },
  {
    path: 'admin/users',
    name: 'users',
    component: () => import('./UsersPage.vue'),
    meta: { roles: rolesOf('users') },
  },
  {
    path: 'admin/tokens',
    name: 'apiTokens',
    component: () => import('./AdminTokensPage.vue'),
    meta: { roles: rolesOf('apiTokens') },
  },
  {
    path: 'admin/settings',
    name: 'agencySettings',
    component: () => import('./SettingsPage.vue'),
    meta: { roles: rolesOf('agencySettings') },
  },
  {
    path: 'print/users',
    name: 'usersPrint',
    component: () => import('./UsersPrintPage.vue'),
    meta: { roles: rolesOf('users') },
  },
]

// 变更记录 and 审计日志 (src/audit.js): the entities this module audits, their actions and
// fields: key of before/after → [label key, format].
const H = 'org_hist'
const hist = (codes) => Object.fromEntries(codes.map((c) => [c, c === 'create' || c === 'update' ? `audit.actions.${c}` : `${H}.actions.${c}`]))

const history = [
  {
    entity: 'user',
    label: `${H}.user`,
    actions: hist(['create', 'update', 'set_roles', 'lock', 'unlock', 'reset_password', 'change_password',
      'change_password_failed', 'change_password_rate_limited', 'set_language', 'generate']),
    fields: {
      username: ['user.username'],
      display_name: ['user.displayName'],
      department: ['user.department', 'ref'],
      phone: ['user.phone'],
      roles: ['user.roles', 'roles'],
      locked: ['user.locked', 'bool'],
      active: [`${H}.f.active`, 'bool'],
      must_change_password: [`${H}.f.mustChangePassword`, 'bool'],
      lang: [`${H}.f.lang`, `enum:${H}.lang`],
      rule: [`${H}.f.rule`],
      count: [`${H}.f.count`],
      first_login: [`${H}.f.firstLogin`],
      seed: [`${H}.f.seed`],
    },
  },
  {
    entity: 'department',
    label: `${H}.department`,
    actions: hist(['create', 'update']),
    fields: {
      name: ['dept.name'],
      code: ['dept.code'],
      parent_id: ['dept.parent', 'id'],
      sort_order: ['dept.sortOrder'],
      active: ['common.active', 'bool'],
    },
  },
  {
    entity: 'session',
    label: `${H}.session`,
    actions: hist(['login', 'login_failed', 'login_locked', 'login_rate_limited', 'logout']),
    fields: { username: ['user.username'], rule: [`${H}.f.rule`] },
  },
  {
    entity: 'api_token',
    label: `${H}.api_token`,
    actions: hist(['create', 'revoke']),
    fields: {
      name: ['tokens.name'],
      user: ['tokens.user', 'ref'],
      expires_at: ['tokens.expiresAt', 'time'],
      last_used_at: ['tokens.lastUsedAt', 'time'],
      revoked_at: [`${H}.f.revokedAt`, 'time'],
    },
  },
  {
    entity: 'agency_setting',
    label: 'settings.title',
    actions: hist(['update']),
    fields: { public_base_url: ['settings.publicBaseUrl'] },
  },
]

export default { name: 'org', routes, menu, messages, history }
