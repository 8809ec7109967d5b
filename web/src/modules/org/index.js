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

export default { name: 'org', routes, menu, messages }
