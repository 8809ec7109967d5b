// 办公用品与采购 (supplies): the catalog (物品目录, 供应商), the stock ledger 出入库台账 per item,
// stocktakes 盘点, requisitions 领用 and purchasing 采购, and the monthly report. Server:
// src/modules/supplies/ (issue #16). Each part appends its menu entries, routes and history at
// the END of its list.
import { Box, Checked, DataAnalysis, Goods, OfficeBuilding, Plus, ShoppingCart, Tickets, Wallet } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import { BUSINESS_ROLES } from '../../roles.js'
import messages from './messages.js'
import { LEDGER_ROLES, SUPPLIER_ROLES } from './supplies.js'
import { PO_READERS } from './purchases.js'

// GET /supply-items: every business role and the supervisor; the office keeps the catalog
const READERS = [...BUSINESS_ROLES, 'supervisor']
const menu = [
  {
    key: 'supplies',
    icon: Box,
    children: [
      { key: 'supplyItems', path: '/supplies/items', icon: Goods, roles: READERS },
      // GET /suppliers and /stocktakes: the office keeps them; leaders, finance, 纪检 read
      { key: 'supplySuppliers', path: '/supplies/suppliers', icon: OfficeBuilding, roles: SUPPLIER_ROLES },
      { key: 'supplyStocktakes', path: '/supplies/stocktakes', icon: Checked, roles: SUPPLIER_ROLES },
      // 领用: everyone their own (and a dept head the department's); the office issues
      { key: 'requisitions', path: '/supplies/requisitions', icon: Tickets, roles: READERS },
      { key: 'requisitionNew', path: '/supplies/requisitions/new', icon: Plus, roles: BUSINESS_ROLES },
      { key: 'supplyQuotas', path: '/supplies/quotas', icon: Wallet, roles: ['office'] },
      // 月报: the keepers and the overseers (GET /supplies/report)
      { key: 'suppliesReport', path: '/supplies/report', icon: DataAnalysis, roles: ['office', 'leader', 'finance', 'supervisor'] },
      { key: 'purchaseOrders', path: '/supplies/purchases', icon: ShoppingCart, roles: PO_READERS },
    ],
  },
]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'supplies/items',
    name: 'supplyItems',
    component: () => import('./ItemsPage.vue'),
    meta: { roles: rolesOf('supplyItems') },
  },
  {
    // an item's 出入库台账; named <entity>Detail: the inbox opens a low-stock notice here
    path: 'supplies/items/:id(\\d+)',
    name: 'supplyItemDetail',
    component: () => import('./ItemLedgerPage.vue'),
    meta: { roles: LEDGER_ROLES },
  },
  {
    path: 'supplies/suppliers',
    name: 'supplySuppliers',
    component: () => import('./SuppliersPage.vue'),
    meta: { roles: rolesOf('supplySuppliers') },
  },
  {
    path: 'supplies/stocktakes',
    name: 'supplyStocktakes',
    component: () => import('./StocktakesPage.vue'),
    meta: { roles: rolesOf('supplyStocktakes') },
  },
  {
    // the count, on a phone first (the office)
    path: 'supplies/stocktakes/new',
    name: 'supplyStocktakeNew',
    component: () => import('./StocktakePage.vue'),
    meta: { roles: ['office'] },
  },
  {
    path: 'supplies/stocktakes/:id(\\d+)',
    name: 'stocktakeDetail',
    component: () => import('./StocktakeDetailPage.vue'),
    meta: { roles: rolesOf('supplyStocktakes') },
  },
  {
    path: 'supplies/requisitions',
    name: 'requisitions',
    component: () => import('./RequisitionsPage.vue'),
    meta: { roles: rolesOf('requisitions') },
  },
  {
    path: 'supplies/requisitions/new',
    name: 'requisitionNew',
    component: () => import('./RequisitionNewPage.vue'),
    meta: { roles: rolesOf('requisitionNew') },
  },
  {
    // named <entity>Detail: the inbox (live.js entityLocation) opens a requisition's notifications here
    path: 'supplies/requisitions/:id(\\d+)',
    name: 'requisitionDetail',
    component: () => import('./RequisitionDetailPage.vue'),
  },
  {
    path: 'supplies/quotas',
    name: 'supplyQuotas',
    component: () => import('./QuotasPage.vue'),
    meta: { roles: rolesOf('supplyQuotas') },
  },
  {
    path: 'supplies/report',
    name: 'suppliesReport',
    component: () => import('./SuppliesReportPage.vue'),
    meta: { roles: rolesOf('suppliesReport') },
  },
  {
    path: 'supplies/purchases',
    name: 'purchaseOrders',
    component: () => import('./PurchasesPage.vue'),
    meta: { roles: rolesOf('purchaseOrders') },
  },
  {
    path: 'supplies/purchases/new',
    name: 'purchaseOrderNew',
    component: () => import('./PurchaseNewPage.vue'),
    meta: { roles: ['office'] },
  },
  {
    // named <entity>Detail: the inbox (live.js entityLocation) opens an order's notifications here
    path: 'supplies/purchases/:id(\\d+)',
    name: 'purchaseOrderDetail',
    component: () => import('./PurchaseDetailPage.vue'),
  },
]

const H = 'supplies.hist'
const F = `${H}.f`
const itemFields = {
  id: null,
  code: [`${F}.code`],
  name: [`${F}.name`],
  spec: [`${F}.spec`],
  unit: [`${F}.unit`],
  category: [`${F}.category`],
  reorder_point: [`${F}.reorderPoint`],
  max_stock: [`${F}.maxStock`],
  barcode: [`${F}.barcode`],
  active: [`${F}.active`, 'bool'],
  qty_on_hand: [`${F}.qtyOnHand`],
  stock_value_fen: [`${F}.stockValue`, 'fen'],
  avg_cost_fen: [`${F}.avgCost`, 'fen'],
  last_cost_fen: [`${F}.lastCost`, 'fen'],
  low: null, // derived from the balance: not part of the record
  created_at: null,
  updated_at: null,
}

const supplierFields = {
  id: null,
  name: [`${F}.name`],
  contact: [`${F}.contact`],
  phone: [`${F}.phone`],
  credit_code: [`${F}.creditCode`],
  designated: [`${F}.designated`, 'bool'],
  active: [`${F}.active`, 'bool'],
  created_at: null,
  updated_at: null,
}
const stocktakeFields = {
  id: null,
  code: [`${F}.code`],
  status: [`${F}.status`, 'enum:supplies.stocktake.status'],
  note: [`${F}.note`],
  approval_id: [`${F}.approval`, 'id'],
  created_by: null,
  created_by_name: [`${F}.createdBy`],
  decided_at: [`${F}.decidedAt`, 'time'],
  line_count: [`${F}.lineCount`],
  diff_count: [`${F}.diffCount`],
  lines: null, // the lines are shown on the page
  approval: null,
  created_at: null,
  updated_at: null,
}

const requisitionFields = {
  id: null,
  code: [`${F}.reqCode`],
  status: [`${F}.status`, 'enum:supplies.req.status'],
  requester_id: null,
  requester_name: [`${F}.requester`],
  department_id: null,
  department_name: [`${F}.department`],
  reason: [`${F}.reason`],
  value_fen: [`${F}.value`, 'fen'],
  over_quota: [`${F}.overQuota`, 'bool'],
  fully_issued: [`${F}.fullyIssued`, 'bool'],
  issued_value_fen: [`${F}.issuedValue`, 'fen'],
  approval_id: [`${F}.approval`, 'id'],
  issued_by: null,
  issued_by_name: [`${F}.issuedBy`],
  issued_at: [`${F}.issuedAt`, 'time'],
  received_at: [`${F}.receivedAt`, 'time'],
  cancel_reason: [`${F}.cancelReason`],
  lines: null, // the lines as they stood: shown on the page, not diffed here
  approval: null,
  can: null, // what the reader may do: not part of the record
  created_at: null,
  updated_at: null,
}

const PH = 'supplies.poHist'
const poFields = {
  id: null,
  code: [`${PH}.f.code`],
  status: [`${PH}.f.status`, 'enum:supplies.po.status'],
  requester_id: null,
  requester_name: null,
  department_id: null,
  department_name: null,
  supplier_id: null,
  supplier_name: [`${PH}.f.supplier`],
  class_code: [`${PH}.f.classCode`],
  budget_line_id: null,
  total_fen: [`${PH}.f.total`, 'fen'],
  received_fen: [`${PH}.f.received`, 'fen'],
  reason: [`${PH}.f.reason`],
  invoice_no: [`${PH}.f.invoiceNo`],
  approval_id: null,
  received_at: [`${PH}.f.receivedAt`, 'time'],
  acceptor_name: [`${PH}.f.acceptor`],
  created_at: null,
  updated_at: null,
}

const history = [
  {
    entity: 'supply_item',
    label: `${H}.supply_item`,
    actions: {
      create: 'audit.actions.create',
      update: 'audit.actions.update',
      stock_in: `${H}.stock_in`,
      stock_out: `${H}.stock_out`,
      stock_adjust: `${H}.stock_adjust`,
    },
    fields: itemFields,
  },
  {
    entity: 'supplier',
    label: `${H}.supplier`,
    actions: { create: 'audit.actions.create', update: 'audit.actions.update' },
    fields: supplierFields,
  },
  {
    entity: 'stocktake',
    label: `${H}.stocktake`,
    actions: {
      create: 'audit.actions.create',
      approved: `${H}.approved`,
      rejected: `${H}.rejected`,
      withdrawn: `${H}.withdrawn`,
    },
    fields: stocktakeFields,
  },
  {
    entity: 'requisition',
    label: `${H}.requisition`,
    actions: {
      create: 'audit.actions.create',
      approved: `${H}.approved`,
      rejected: `${H}.rejected`,
      issue: `${H}.issue`,
      receive: `${H}.receive`,
      withdraw: `${H}.withdraw`,
      cancel: `${H}.cancel`,
    },
    fields: requisitionFields,
  },
  {
    entity: 'supply_quota',
    label: `${H}.supply_quota`,
    actions: { set: `${H}.set` },
    fields: {
      department_id: null,
      department_name: [`${F}.department`],
      year: [`${F}.year`],
      month: [`${F}.month`],
      quota_fen: [`${F}.quota`, 'fen'],
      issued_value_fen: null, // the month's figures when it was set: not part of the quota
      open_value_fen: null,
      updated_at: null,
    },
  },
  {
    entity: 'purchase_order',
    label: `${PH}.purchase_order`,
    actions: {
      create: 'audit.actions.create',
      approved: `${PH}.approved`,
      rejected: `${PH}.rejected`,
      withdraw: `${PH}.withdraw`,
      receive: `${PH}.receive`,
      close: `${PH}.close`,
      cancel: `${PH}.cancel`,
    },
    fields: poFields,
  },
]

// The 工作台 (pages/home): 待发放 and 待验收入库 for the office; my open requisitions among "my requests".
const home = {
  counters: {
    requisitions_to_issue: {
      label: 'supplies.req.home.toIssue',
      to: { name: 'requisitions', query: { to_issue: '1' } },
      menu: 'requisitions',
    },
    purchases_to_receive: {
      label: 'supplies.po.home.toReceive',
      to: { name: 'purchaseOrders', query: { status: 'approved' } },
      menu: 'purchaseOrders',
    },
  },
  kinds: {
    requisition: { label: 'supplies.req.home.kind', statusTag: () => import('./RequisitionStatusTag.vue') },
  },
}

export default { name: 'supplies', routes, menu, messages, history, home }
