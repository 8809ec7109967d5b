// 公务用车 (vehicles): trips requested by anyone for their department, approved through the
// approval engine, dispatched by the office (a vehicle and a driver booked for the window),
// driven and returned by the driver on a phone, rated by the requester and the colleagues riding
// along; the vehicle registry
// (车辆池) and the drivers. Server: src/modules/vehicles/ (issue #15).
import {
  Calendar,
  DataAnalysis,
  Document,
  Lock,
  Money,
  Notebook,
  Plus,
  Shop,
  Upload,
  User,
  Van,
  Warning,
} from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import { BUSINESS_ROLES } from '../../roles.js'
import messages from './messages.js'
import { COST_READERS } from './costs.js'

// GET /vehicles: every business role; the registry's page is for those who keep or oversee it
const KEEPERS = ['office', 'leader', 'supervisor']
const menu = [
  {
    key: 'vehicles',
    icon: Van,
    children: [
      // 我的用车 for everyone; office, leader and supervisor see all trips
      { key: 'vehicleTrips', path: '/vehicles/trips', icon: Document, roles: [...BUSINESS_ROLES, 'supervisor'] },
      { key: 'vehicleTripNew', path: '/vehicles/trips/new', icon: Plus, roles: BUSINESS_ROLES },
      { key: 'vehiclePool', path: '/vehicles/pool', icon: Van, roles: KEEPERS },
      { key: 'vehicleDrivers', path: '/vehicles/drivers', icon: User, roles: KEEPERS },
      // 用车异常: the supervisor reviews, the office and leaders read
      { key: 'vehicleFlags', path: '/vehicles/flags', icon: Warning, roles: KEEPERS },
      // 节假日封存: the office seals and lifts; leaders and the supervisor read
      { key: 'vehicleSeals', path: '/vehicles/seals', icon: Lock, roles: KEEPERS },
      // costs: the office keeps them; leaders, the supervisor and finance read them
      { key: 'vehicleCosts', path: '/vehicles/costs', icon: Money, roles: COST_READERS },
      { key: 'vehicleFuelImport', path: '/vehicles/fuel-import', icon: Upload, roles: ['office'] },
      { key: 'vehicleVendors', path: '/vehicles/vendors', icon: Shop, roles: COST_READERS },
      // the calendar of bookings (the office dispatches from it), the monthly report, 公示
      { key: 'vehicleCalendar', path: '/vehicles/calendar', icon: Calendar, roles: KEEPERS },
      { key: 'vehicleReport', path: '/vehicles/report', icon: DataAnalysis, roles: [...KEEPERS, 'finance'] },
      { key: 'vehiclePublic', path: '/vehicles/public', icon: Notebook, roles: [...BUSINESS_ROLES, 'supervisor'] },
    ],
  },
]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'vehicles/trips',
    name: 'vehicleTrips',
    component: () => import('./TripsPage.vue'),
    meta: { roles: rolesOf('vehicleTrips') },
  },
  {
    path: 'vehicles/trips/new',
    name: 'vehicleTripNew',
    component: () => import('./TripRequestPage.vue'),
    meta: { roles: rolesOf('vehicleTripNew') },
  },
  {
    // named <entity>Detail: the inbox (live.js entityLocation) opens a trip's notifications here
    path: 'vehicles/trips/:id(\\d+)',
    name: 'vehicleTripDetail',
    component: () => import('./TripDetailPage.vue'),
  },
  {
    path: 'vehicles/pool',
    name: 'vehicles',
    component: () => import('./VehiclesPage.vue'),
    meta: { roles: rolesOf('vehiclePool') },
  },
  {
    // named <entity>Detail: the inbox opens a vehicle's 保险/年审 reminder here
    path: 'vehicles/:id(\\d+)',
    name: 'vehicleDetail',
    component: () => import('./VehicleDetailPage.vue'),
    meta: { roles: rolesOf('vehiclePool') },
  },
  {
    path: 'vehicles/drivers',
    name: 'vehicleDrivers',
    component: () => import('./DriversPage.vue'),
    meta: { roles: rolesOf('vehicleDrivers') },
  },
  {
    path: 'vehicles/flags',
    name: 'vehicleFlags',
    component: () => import('./FlagsPage.vue'),
    meta: { roles: rolesOf('vehicleFlags') },
  },
  {
    path: 'vehicles/seals',
    name: 'vehicleSeals',
    component: () => import('./SealsPage.vue'),
    meta: { roles: rolesOf('vehicleSeals') },
  },
  {
    path: 'vehicles/costs',
    name: 'vehicleCosts',
    component: () => import('./CostsPage.vue'),
    meta: { roles: rolesOf('vehicleCosts') },
  },
  {
    path: 'vehicles/fuel-import',
    name: 'vehicleFuelImport',
    component: () => import('./FuelImportPage.vue'),
    meta: { roles: rolesOf('vehicleFuelImport') },
  },
  {
    path: 'vehicles/vendors',
    name: 'vehicleVendors',
    component: () => import('./VendorsPage.vue'),
    meta: { roles: rolesOf('vehicleVendors') },
  },
  {
    path: 'vehicles/calendar',
    name: 'vehicleCalendar',
    component: () => import('./CalendarPage.vue'),
    meta: { roles: rolesOf('vehicleCalendar') },
  },
  {
    path: 'vehicles/report',
    name: 'vehicleReport',
    component: () => import('./ReportPage.vue'),
    meta: { roles: rolesOf('vehicleReport') },
  },
  {
    path: 'vehicles/public',
    name: 'vehiclePublic',
    component: () => import('./PublicTripsPage.vue'),
    meta: { roles: rolesOf('vehiclePublic') },
  },
]

const H = 'vehicles.hist'
const F = `${H}.f`
const SH = 'vehicles.seal.hist' // 节假日封存's own labels (SealsPage)
const tripFields = {
  id: null,
  code: [`${F}.code`],
  status: [`${F}.status`, 'enum:vehicles.trip.status'],
  requester_id: null,
  requester_name: [`${F}.requester`],
  department_id: null,
  department_name: [`${F}.department`],
  purpose: [`${F}.purpose`],
  destination: [`${F}.destination`],
  out_of_city: [`${F}.outOfCity`, 'bool'],
  passengers: [`${F}.passengers`],
  passenger_names: [`${F}.passengerNames`],
  start_at: [`${F}.startAt`, 'time'],
  end_at: [`${F}.endAt`, 'time'],
  est_km: [`${F}.estKm`],
  vehicle_id: null,
  plate: [`${F}.plate`],
  driver_id: null,
  driver_name: [`${F}.driver`],
  approval_id: [`${F}.approval`, 'id'],
  depart_at: [`${F}.departAt`, 'time'],
  depart_km: [`${F}.departKm`],
  return_at: [`${F}.returnAt`, 'time'],
  return_km: [`${F}.returnKm`],
  // litres in hundredths: 3550 → 35.50
  fuel_litres_x100: [`${F}.fuel`, (v) => (v === null || v === undefined ? '' : (v / 100).toFixed(2))],
  tolls_fen: [`${F}.tolls`, 'fen'],
  parking_fen: [`${F}.parking`, 'fen'],
  rating: [`${F}.rating`],
  rating_comment: [`${F}.comment`],
  cancel_reason: [`${F}.reason`],
  // every rating (the requester's and the passengers'), and what one rating gave
  rating_avg: [`${F}.ratingAvg`],
  ratings: [`${F}.ratings`],
  passenger_list: [`${F}.passengerList`, 'refs'],
  given_rating: [`${F}.givenRating`],
  given_comment: [`${F}.givenComment`],
  can: null, // what the reader may do: not part of the record
  approval: null,
  created_at: null,
  updated_at: null,
}
const vehicleFields = {
  id: null,
  plate: [`${F}.plate`],
  brand: [`${F}.brand`],
  model: [`${F}.model`],
  seats: [`${F}.seats`],
  type: [`${F}.type`, 'enum:vehicles.vehicle.types'],
  energy: [`${F}.energy`, 'enum:vehicles.vehicle.energies'],
  tank_litres: [`${F}.tank`],
  battery_kwh: [`${F}.battery`],
  department_id: null,
  department_name: [`${F}.department`],
  status: [`${F}.status`, 'enum:vehicles.vehicle.status'],
  odometer_km: [`${F}.odometer`],
  insurance_expiry: [`${F}.insurance`, 'date'],
  inspection_due: [`${F}.inspection`, 'date'],
  purchase_date: [`${F}.purchase`, 'date'],
  price_fen: [`${F}.price`, 'fen'],
  created_at: null,
  updated_at: null,
}
const driverFields = {
  user_id: null,
  name: [`${F}.driver`],
  phone: [`${F}.phone`],
  department_name: [`${F}.department`],
  busy: null, // whether on a trip now: not part of the profile
  licence_class: [`${F}.licenceClass`],
  licence_expiry: [`${F}.licenceExpiry`, 'date'],
  active: [`${F}.active`, 'bool'],
  created_at: null,
  updated_at: null,
}
// costs, vendors, fuel-card imports: their labels under vehicles.cost.hist
const CH = 'vehicles.cost.hist'
const CF = `${CH}.f`
const costFields = {
  id: null,
  vehicle_id: null,
  plate: [`${CF}.plate`],
  department_id: null,
  department_name: [`${CF}.department`],
  kind: [`${CF}.kind`, 'enum:vehicles.cost.kinds'],
  amount_fen: [`${CF}.amount`, 'fen'],
  occurred_on: [`${CF}.date`, 'date'],
  vendor_id: null,
  vendor_name: [`${CF}.vendor`],
  designated: [`${CF}.designated`, 'bool'],
  reason: [`${CF}.reason`],
  note: [`${CF}.note`],
  workorder_id: null,
  workorder_code: [`${CF}.workorder`],
  trip_id: null,
  trip_code: [`${CF}.trip`],
  fuel_import_id: null,
  litres_x100: [`${CF}.litres`, (v) => (v === null || v === undefined ? '' : (v / 100).toFixed(2))],
  created_by_name: [`${CF}.by`],
  created_at: null,
}
const vendorFields = {
  id: null,
  name: [`${CF}.name`],
  kind: [`${CF}.vendorKind`, 'enum:vehicles.vendor.kinds'],
  designated: [`${CF}.designated`, 'bool'],
  active: [`${CF}.active`, 'bool'],
  created_at: null,
  updated_at: null,
}
const fuelImportFields = {
  rows: [`${CF}.rows`],
  litres_x100: [`${CF}.litres`, (v) => (v === null || v === undefined ? '' : (v / 100).toFixed(2))],
  amount_fen: [`${CF}.amount`, 'fen'],
}

const history = [
  {
    entity: 'vehicle_trip',
    label: `${H}.vehicle_trip`,
    actions: {
      create: 'audit.actions.create',
      dispatch: `${H}.dispatch`,
      depart: `${H}.depart`,
      return: `${H}.return`,
      rate: `${H}.rate`,
      cancel: `${H}.cancel`,
      approved: `${H}.approved`,
      rejected: `${H}.rejected`,
    },
    fields: tripFields,
  },
  {
    entity: 'vehicle',
    label: `${H}.vehicle`,
    actions: { create: 'audit.actions.create', update: 'audit.actions.update' },
    fields: vehicleFields,
  },
  {
    entity: 'driver',
    label: `${H}.driver`,
    actions: { update: 'audit.actions.update' },
    fields: driverFields,
  },
  {
    // a flag is raised inside its trip's move; only the supervisor's 核查 is recorded
    entity: 'trip_flag',
    label: 'vehicles.flags.entity',
    actions: { review: 'vehicles.flags.review' },
    fields: {
      id: null,
      kind: ['vehicles.flags.kind', 'enum:vehicles.flags.kinds'],
      vehicle_id: null,
      plate: [`${F}.plate`],
      driver_id: null,
      driver_name: [`${F}.driver`],
      trip_id: null,
      trip_code: [`${F}.code`],
      cost_id: null,
      occurred_at: ['vehicles.flags.occurredAt', 'time'],
      evidence: null, // the figures, shown as the summary
      summary: ['vehicles.flags.summary'],
      reviewed_at: ['vehicles.flags.reviewedAt', 'time'],
      reviewed_by_name: ['vehicles.flags.reviewer'],
      review_note: ['vehicles.flags.note'],
    },
  },
  {
    entity: 'vehicle_seal',
    label: `${SH}.vehicle_seal`,
    actions: { create: 'audit.actions.create', lift: `${SH}.lift` },
    fields: {
      id: null,
      vehicle_id: null,
      plate: [`${F}.plate`],
      from: [`${SH}.from`, 'date'],
      to: [`${SH}.to`, 'date'],
      reason: [`${F}.reason`],
      created_by_name: [`${SH}.createdBy`],
      created_at: null,
      lifted_at: [`${SH}.liftedAt`, 'time'],
      lifted_by: null,
      lift_reason: [`${SH}.liftReason`],
      active: [`${SH}.active`, 'bool'],
    },
  },
  {
    entity: 'vehicle_seal_override',
    label: `${SH}.vehicle_seal_override`,
    actions: {
      create: `${SH}.ask`,
      approved: `${H}.approved`,
      rejected: `${H}.rejected`,
      withdrawn: `${SH}.withdrawn`,
    },
    fields: {
      id: null,
      trip_id: null,
      vehicle_id: null,
      plate: [`${F}.plate`],
      approval_id: [`${F}.approval`, 'id'],
      status: [`${F}.status`, 'enum:vehicles.seal.override'],
      reason: [`${F}.reason`],
    },
  },
  {
    entity: 'vehicle_cost',
    label: `${CH}.vehicle_cost`,
    actions: { create: 'audit.actions.create' },
    fields: costFields,
  },
  {
    entity: 'vehicle_vendor',
    label: `${CH}.vehicle_vendor`,
    actions: { create: 'audit.actions.create', update: 'audit.actions.update' },
    fields: vendorFields,
  },
  {
    entity: 'fuel_import',
    label: `${CH}.fuel_import`,
    actions: { create: 'audit.actions.create' },
    fields: fuelImportFields,
  },
  {
    // the fleet's settings (vehicles_settings.c), one record per agency
    entity: 'vehicle_setting',
    label: `${H}.vehicle_setting`,
    actions: { update: 'audit.actions.update' },
    fields: {
      buffer_min: [`${F}.bufferMin`],
      pool_department_id: null,
      pool_department_name: [`${F}.poolDepartment`],
      updated_at: null,
    },
  },
]

// The 工作台 (pages/home): 待派车 for the office, 我的出车任务 for a driver, my open trips among
// "my requests".
const home = {
  counters: {
    trips_to_dispatch: {
      label: 'vehicles.home.toDispatch',
      to: { name: 'vehicleTrips', query: { status: 'approved' } },
      menu: 'vehicleTrips',
    },
    trips_my_tasks: {
      label: 'vehicles.home.myTasks',
      to: { name: 'vehicleTrips', query: { mine: '1' } },
      menu: 'vehicleTrips',
    },
    trip_flags_unreviewed: {
      label: 'vehicles.flags.toReview',
      to: { name: 'vehicleFlags', query: { reviewed: '0' } },
      menu: 'vehicleFlags',
    },
  },
  kinds: {
    vehicle_trip: { label: 'vehicles.home.kind', statusTag: () => import('./TripStatusTag.vue') },
  },
}

export default { name: 'vehicles', routes, menu, messages, history, home }
