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

// 变更记录 and 审计日志 (src/audit.js): the entities this module audits, their actions and
// fields: key of before/after → [label key, format].
const H = 'approval.hist'
// a rule's steps: 部门负责人审批（部门负责人）→ 分管领导审批（分管领导）
const steps = (v, { label }) =>
  v.map((s) => `${s.name}（${label(`role.${s.role}`, s.role)}）`).join(' → ')

const history = [
  {
    entity: 'approval',
    label: `${H}.approval`,
    actions: {
      submit: `${H}.submit`,
      approve: `${H}.approve`,
      reject: `${H}.reject`,
      withdraw: `${H}.withdraw`,
      cancel: `${H}.cancel`,
    },
    fields: {
      title: ['approval.title'],
      kind: ['approval.kind', `enum:${H}.kinds`],
      amount_fen: ['approval.amount', 'fen'],
      status: ['common.status', 'enum:approval.status'],
      rule_id: [`${H}.f.ruleId`, 'id'],
      step: [`${H}.f.step`],
      decision: [`${H}.f.decision`, `enum:${H}.decision`],
      comment: [`${H}.f.comment`],
      minutes_ref: [`${H}.f.minutesRef`],
      deputy_for: [`${H}.f.deputyFor`, 'id'],
    },
  },
  {
    entity: 'approval_rule',
    label: `${H}.rule`,
    actions: { create: 'audit.actions.create', update: 'audit.actions.update' },
    fields: {
      name: ['approval.rule.name'],
      kind: ['approval.kind', `enum:${H}.kinds`],
      min_amount_fen: [`${H}.f.minAmount`, 'fen'],
      max_amount_fen: [`${H}.f.maxAmount`, 'fen'],
      priority: ['approval.rule.priority'],
      steps: ['approval.rule.steps', steps],
      active: [`${H}.f.active`, 'bool'],
    },
  },
  {
    entity: 'approval_deputy',
    label: `${H}.deputy`,
    actions: { create: 'audit.actions.create', revoke: `${H}.revoke` },
    fields: {
      principal_id: ['approval.deputy.principal', 'id'],
      deputy_id: ['approval.deputy.deputy', 'id'],
      from: ['approval.deputy.from', 'time'],
      to: ['approval.deputy.to', 'time'],
    },
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

export default { name: 'approvals', routes, menu, messages, history, home }
