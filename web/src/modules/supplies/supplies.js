// 办公用品: what the pages share.

// GET /supply-items/:id/ledger (and writeoffs' readers): the keepers, the overseers, dept heads
export const LEDGER_ROLES = ['office', 'leader', 'finance', 'supervisor', 'dept_head']
// GET /suppliers and /stocktakes
export const SUPPLIER_ROLES = ['office', 'leader', 'finance', 'supervisor']
export const STOCKTAKE_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn']
