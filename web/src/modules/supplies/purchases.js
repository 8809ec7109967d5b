// 采购: what the purchase pages share (server: src/modules/supplies/purchases*.c).

// GET /purchase-orders and /:id; the office alone writes
export const PO_READERS = ['office', 'leader', 'finance', 'supervisor']
export const PO_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn', 'received', 'closed', 'cancelled']
export const PO_CLASSES = ['30201', '30218']
// the default approval tiers (purchases.h): strictly above each figure
export const QUOTES_ABOVE_FEN = 1000000
export const OFFICE_BELOW_FEN = 500000
export const COMMITTEE_ABOVE_FEN = 5000000

export const STATUS_TYPES = {
  pending: 'warning',
  approved: 'primary',
  rejected: 'danger',
  withdrawn: 'info',
  received: 'success',
  closed: 'info',
  cancelled: 'info',
}

export function tierOf(fen) {
  if (fen > COMMITTEE_ABOVE_FEN) return 'committee'
  if (fen >= OFFICE_BELOW_FEN) return 'leader'
  return 'office'
}
