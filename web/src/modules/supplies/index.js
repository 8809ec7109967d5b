// 办公用品与采购 (supplies): the catalog (物品目录, 供应商), the stock ledger 出入库台账 per item,
// stocktakes 盘点, requisitions 领用 and purchasing 采购, and the monthly report. Server:
// src/modules/supplies/ (issue #16). Each part appends its menu entries, routes and history at
// the END of its list.
import { Box, Goods } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import { BUSINESS_ROLES } from '../../roles.js'
import messages from './messages.js'

// GET /supply-items: every business role and the supervisor; the office keeps the catalog
const READERS = [...BUSINESS_ROLES, 'supervisor']
const menu = [
  {
    key: 'supplies',
    icon: Box,
    children: [
      { key: 'supplyItems', path: '/supplies/items', icon: Goods, roles: READERS },
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
]

export default { name: 'supplies', routes, menu, messages, history }
