// 审计日志 (supervisor: the whole agency; auditor: the admins' logs), in 系统管理.
// Server side: src/modules/audit/. The action and entity labels (messages audit.*) are also
// used by the shared src/audit.js, components/AuditDiff.vue and components/EntityHistory.vue.
import { Notebook } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import messages from './messages.js'

const menu = [{ key: 'audit', group: 'admin', path: '/admin/audit', icon: Notebook, roles: ['supervisor', 'auditor'] }]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'admin/audit',
    name: 'audit',
    component: () => import('./AuditPage.vue'),
    meta: { roles: rolesOf('audit') },
  },
]

export default { name: 'audit', routes, menu, messages }
