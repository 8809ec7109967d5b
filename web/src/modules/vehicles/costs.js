// 公务用车 costs: what the cost, vendor and fuel-card pages share. Server side and contract:
// /api/v1/vehicle-costs, /vehicle-vendors, /fuel-card-imports (src/modules/vehicles/costs*.c).

// fuel 加油, maintenance 保养, repair 维修, insurance 保险, inspection 年审, toll_parking 路桥停车
export const COST_KINDS = ['fuel', 'maintenance', 'repair', 'insurance', 'inspection', 'toll_parking']
// the kinds paid at a garage or a station: there 定点 matters, and a non-定点 one needs a reason
export const AT_VENDOR_KINDS = ['fuel', 'maintenance', 'repair']
export const VENDOR_KINDS = ['garage', 'station', 'other']
// who reads costs and vendors (the route rows' roles); the office alone writes
export const COST_READERS = ['office', 'leader', 'supervisor', 'finance']
