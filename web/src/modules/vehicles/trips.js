// 公务用车 (vehicles): what the pages share. Server side and contract: /api/v1/trips,
// /api/v1/vehicles, /api/v1/drivers (src/modules/vehicles/, issue #15).
import { parseYuan } from '../../format.js'

// requested 待审批, approved 待派车, rejected, dispatched 已派车, on_trip 出车中, returned 已还车,
// closed 已完成, cancelled
export const TRIP_STATUSES = ['requested', 'approved', 'rejected', 'dispatched', 'on_trip', 'returned', 'closed', 'cancelled']
export const TRIP_TAGS = {
  requested: 'warning',
  approved: 'primary',
  rejected: 'danger',
  dispatched: 'primary',
  on_trip: 'warning',
  returned: 'success',
  closed: 'success',
  cancelled: 'info',
}
export const VEHICLE_TYPES = ['sedan', 'business', 'suv', 'bus']
export const ENERGIES = ['petrol', 'diesel', 'electric']
export const VEHICLE_STATUSES = ['available', 'in_use', 'maintenance', 'sealed', 'retired']
export const LICENCE_CLASSES = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2']

// Who sees every department's trips, the registry and the drivers (the server's scope).
export const ALL_TRIPS_ROLES = ['office', 'leader', 'supervisor']

// The pickers give Shanghai wall-clock time ('YYYY-MM-DD HH:mm') whatever the browser's zone;
// the API takes ISO-8601 with the offset (China has no DST).
export const toIso = (wall) => (wall ? `${wall.replace(' ', 'T')}:00+08:00` : '')

// Litres with at most two decimals → hundredths, without floating point ('35.5' → 3550);
// the same fixed-point shape as yuan → fen.
export const parseHundredths = (text) => parseYuan(text)

// x100 integer → '35.50'
export function hundredthsText(n) {
  if (n === null || n === undefined) return ''
  const digits = String(n).padStart(3, '0')
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`
}
