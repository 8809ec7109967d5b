// 经费 (budget): budget classes, lines and the engine's ledger (src/core/budget.h,
// src/modules/budget/): 预算指标 (the lines with what is committed, spent and available, and a
// line's ledger), 支出月通报, 月度结账, 三公经费公开, 报销 (expense claims: file, approve through the
// approval engine, pay) and 差旅标准.
import { Calendar, DataAnalysis, Money, Place, Tickets, View, Wallet } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import { BUSINESS_ROLES } from '../../roles.js'
import messages from './messages.js'

// GET /budget-lines: finance, leader, supervisor, office; a department head their own lines
const READERS = ['finance', 'leader', 'supervisor', 'office', 'dept_head']
const EVERYONE = ['staff', 'dept_head', 'office', 'worker', 'leader', 'finance', 'supervisor']
const menu = [
  {
    key: 'finance',
    icon: Money,
    children: [
      { key: 'budgetLines', path: '/finance/lines', icon: Wallet, roles: ['finance', 'leader', 'supervisor', 'office', 'dept_head'] },
      // GET /budget/bulletin and /budget/periods: the same readers (closing is finance's alone)
      { key: 'budgetBulletin', path: '/finance/bulletin', icon: DataAnalysis, roles: READERS },
      { key: 'budgetPeriods', path: '/finance/periods', icon: Calendar, roles: READERS },
      // GET /budget/disclosure: every staff member (ROLE_BUSINESS_READERS)
      { key: 'budgetDisclosure', path: '/finance/disclosure', icon: View, roles: EVERYONE },
      // 报销: everyone files their own; the supervisor (纪检) reads them all
      { key: 'expenseClaims', path: '/finance/claims', icon: Tickets, roles: [...BUSINESS_ROLES, 'supervisor'] },
      // 差旅标准: finance keeps them; a claimant reads them from the claim form
      { key: 'travelStandards', path: '/finance/standards', icon: Place, roles: ['finance'] },
    ],
  },
]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'finance/lines',
    name: 'budgetLines',
    component: () => import('./LinesPage.vue'),
    meta: { roles: rolesOf('budgetLines') },
  },
  {
    // a line's figures and ledger (drill-down from 预算指标)
    path: 'finance/lines/:id(\\d+)',
    name: 'budgetLineDetail',
    component: () => import('./LineEntriesPage.vue'),
    meta: { roles: rolesOf('budgetLines') },
  },
  {
    path: 'finance/bulletin',
    name: 'budgetBulletin',
    component: () => import('./BulletinPage.vue'),
    meta: { roles: rolesOf('budgetBulletin') },
  },
  {
    path: 'finance/periods',
    name: 'budgetPeriods',
    component: () => import('./PeriodsPage.vue'),
    meta: { roles: rolesOf('budgetPeriods') },
  },
  {
    path: 'finance/disclosure',
    name: 'budgetDisclosure',
    component: () => import('./DisclosurePage.vue'),
    meta: { roles: rolesOf('budgetDisclosure') },
  },
  {
    path: 'finance/claims',
    name: 'expenseClaims',
    component: () => import('./ClaimsPage.vue'),
    meta: { roles: rolesOf('expenseClaims') },
  },
  {
    path: 'finance/claims/new',
    name: 'expenseClaimNew',
    component: () => import('./ClaimNewPage.vue'),
    meta: { roles: BUSINESS_ROLES },
  },
  {
    // named <entity>Detail: the inbox (live.js entityLocation) opens a claim's notifications here
    path: 'finance/claims/:id(\\d+)',
    name: 'expenseClaimDetail',
    component: () => import('./ClaimDetailPage.vue'),
  },
  {
    path: 'finance/standards',
    name: 'travelStandards',
    component: () => import('./TravelStandardsPage.vue'),
    meta: { roles: rolesOf('travelStandards') },
  },
]

const H = 'budget.hist'
const F = `${H}.f`
const fields = {
  code: [`${F}.code`],
  name: [`${F}.name`],
  sangong: [`${F}.sangong`, 'bool'],
  active: [`${F}.active`, 'bool'],
  year: [`${F}.year`],
  department_id: null,
  department_name: [`${F}.department`],
  class_id: null,
  class_code: [`${F}.code`],
  class_name: [`${F}.class`],
  control: [`${F}.control`, `enum:${H}.control`],
  amount_fen: [`${F}.amount`, 'fen'],
  adjusted_fen: null,
  committed_fen: null,
  spent_fen: null,
  available_fen: null,
  line_id: null,
  kind: [`${F}.kind`, `enum:${H}.kind`],
  source_module: [`${F}.sourceModule`],
  source_id: [`${F}.sourceId`, 'id'],
  voucher_no: [`${F}.voucherNo`],
  payee: [`${F}.payee`],
  occurred_at: [`${F}.occurredAt`, 'time'],
}

const CH = 'budget.claimHist'
const CF = `${CH}.f`
const claimFields = {
  id: null,
  code: [`${CF}.code`],
  title: [`${CF}.title`],
  status: [`${CF}.status`, `enum:${CH}.status`],
  requester_id: null,
  requester_name: [`${CF}.requester`],
  department_id: null,
  department_name: [`${CF}.department`],
  total_fen: [`${CF}.total`, 'fen'],
  over_standard_fen: [`${CF}.overStandard`, 'fen'],
  created_at: null,
  updated_at: null,
  paid_on: [`${CF}.paidOn`, 'date'],
  voucher_no: [`${CF}.voucherNo`],
  city: [`${CF}.city`],
  rank: [`${CF}.rank`, `enum:${CH}.rank`],
  lodging_fen: [`${CF}.lodging`, 'fen'],
  meal_fen: [`${CF}.meal`, 'fen'],
  transport_fen: [`${CF}.transport`, 'fen'],
  valid_from: [`${CF}.validFrom`, 'date'],
  valid_to: [`${CF}.validTo`, 'date'],
}

const history = [
  { entity: 'budget_class', label: `${H}.budget_class`, actions: { create: 'audit.actions.create' }, fields },
  {
    entity: 'budget_line',
    label: `${H}.budget_line`,
    actions: {
      create: 'audit.actions.create',
      budget_commit: `${H}.budget_commit`,
      budget_spend: `${H}.budget_spend`,
      budget_release: `${H}.budget_release`,
      budget_adjust: `${H}.budget_adjust`,
    },
    fields,
  },
  {
    entity: 'budget_period',
    label: `${H}.budget_period`,
    actions: { close: `${H}.close` },
    fields: { period: [`${F}.period`] },
  },
  {
    entity: 'budget_adjustment',
    label: `${H}.budget_adjustment`,
    actions: { create: 'audit.actions.create' },
    fields: {
      id: null,
      kind: [`${H}.af.kind`, `enum:${H}.adjKind`],
      line_id: null,
      line_label: [`${H}.af.line`],
      to_line_id: null,
      to_line_label: [`${H}.af.toLine`],
      amount_fen: [`${F}.amount`, 'fen'],
      reason: [`${H}.af.reason`],
      status: [`${H}.af.status`, `enum:${H}.adjStatus`],
      approval_id: [`${H}.af.approval`, 'id'],
      created_by: null,
      created_by_name: null,
      created_at: null,
      updated_at: null,
      decided_at: null,
    },
  },
  {
    entity: 'budget_setting',
    label: `${H}.budget_setting`,
    actions: { update: 'audit.actions.update' },
    fields: { midyear_reminder: [`${H}.af.midyear`], updated_at: null },
  },
  // 报销单 and 差旅标准 (src/modules/budget/claims*.c)
  {
    entity: 'expense_claim',
    label: `${CH}.expense_claim`,
    actions: {
      create: 'audit.actions.create',
      approved: `${CH}.approved`,
      rejected: `${CH}.rejected`,
      withdraw: `${CH}.withdraw`,
      pay: `${CH}.pay`,
    },
    fields: claimFields,
  },
  {
    entity: 'travel_standard',
    label: `${CH}.travel_standard`,
    actions: { create: 'audit.actions.create' },
    fields: claimFields,
  },
]

// The 工作台 (pages/home): 待支付报销 for finance (GET /workbench counter claims_to_pay, the
// list's approved claims) and my open claims among "my requests".
const home = {
  counters: {
    claims_to_pay: {
      label: 'budget.home.toPay',
      to: { name: 'expenseClaims', query: { status: 'approved' } },
      menu: 'expenseClaims',
    },
  },
  kinds: {
    expense_claim: { label: 'budget.home.kind', statusTag: () => import('./ClaimStatusTag.vue') },
  },
}

export default { name: 'budget', routes, menu, messages, history, home }
