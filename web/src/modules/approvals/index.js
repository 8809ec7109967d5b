// 审批 (approvals): 我的待办, 我已审批, 我的申请, 代理设置, 审批规则 and one approval's page.
// Server side: src/modules/approvals/.
import { Finished, List, Operation, Share, Stamp, Tickets } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import { BUSINESS_ROLES } from '../../roles.js'
import messages from './messages.js'

const menu = [
  {
    key: 'approvals',
    icon: Stamp,
    children: [
      { key: 'approvalTodo', path: '/approvals/todo', icon: List, roles: BUSINESS_ROLES },
      { key: 'approvalDecided', path: '/approvals/decided', icon: Finished, roles: BUSINESS_ROLES },
      { key: 'approvalRequests', path: '/approvals/requests', icon: Tickets, roles: BUSINESS_ROLES },
      { key: 'approvalDeputies', path: '/approvals/deputies', icon: Share, roles: BUSINESS_ROLES },
      { key: 'approvalRules', path: '/approvals/rules', icon: Operation, roles: ['office'] },
    ],
  },
]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'approvals/todo',
    name: 'approvalTodo',
    component: () => import('./TodoPage.vue'),
    meta: { roles: rolesOf('approvalTodo') },
  },
  {
    path: 'approvals/decided',
    name: 'approvalDecided',
    component: () => import('./DecidedPage.vue'),
    meta: { roles: rolesOf('approvalDecided') },
  },
  {
    path: 'approvals/requests',
    name: 'approvalRequests',
    component: () => import('./RequestsPage.vue'),
    meta: { roles: rolesOf('approvalRequests') },
  },
  {
    path: 'approvals/deputies',
    name: 'approvalDeputies',
    component: () => import('./DeputiesPage.vue'),
    meta: { roles: rolesOf('approvalDeputies') },
  },
  {
    path: 'approvals/rules',
    name: 'approvalRules',
    component: () => import('./RulesPage.vue'),
    meta: { roles: rolesOf('approvalRules') },
  },
  {
    path: 'approvals/:id(\\d+)',
    name: 'approvalDetail',
    component: () => import('./ApprovalDetail.vue'),
  },
]

// The 工作台 (pages/home): 待我审批 equals GET /approvals?mine=pending (approvals_home.c).
const home = {
  counters: {
    appr_pending: { label: 'approval.home.pending', to: { name: 'approvalTodo' }, menu: 'approvalTodo' },
  },
  kinds: {
    approval: { label: 'approval.home.kind', statusTag: () => import('../../components/ApprovalStatusTag.vue') },
  },
}

export default { name: 'approvals', routes, menu, messages, home }
