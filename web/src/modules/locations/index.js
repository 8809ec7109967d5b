// 位置管理: buildings → floors → rooms and their QR label sheets, in 系统管理.
// Server side: src/modules/locations/.
import { MapLocation } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import messages from './messages.js'

const menu = [
  // Everyone reads the tree through the API; the office and sysadmin manage it here.
  { key: 'locations', group: 'admin', path: '/locations', icon: MapLocation, roles: ['office', 'sysadmin'] },
]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'locations',
    name: 'locations',
    component: () => import('./LocationsPage.vue'),
    meta: { roles: rolesOf('locations') },
  },
  {
    path: 'locations/:id(\\d+)/labels',
    name: 'locationLabels',
    component: () => import('./LocationLabelsPage.vue'),
    meta: { roles: rolesOf('locations') },
  },
]

// 变更记录 and 审计日志 (src/audit.js): key of before/after → [label key, format].
const history = [
  {
    entity: 'location',
    label: 'loc.hist.location',
    actions: { create: 'audit.actions.create', update: 'audit.actions.update' },
    fields: {
      kind: ['loc.kind', 'enum:loc.kinds'],
      name: ['loc.name'],
      code: ['loc.code'],
      path: ['loc.hist.path'],
      parent_id: ['loc.parent', 'id'],
      sort_order: ['loc.sortOrder'],
      active: ['loc.hist.active', 'bool'],
    },
  },
]

export default { name: 'locations', routes, menu, messages, history }
