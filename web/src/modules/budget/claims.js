// 报销单 (expense claims): what the pages share. Server side and contract: /api/v1/expense-claims
// (src/modules/budget/, issue #14).
import { todayShanghai } from '../../format.js'

// pending 审批中, approved 待支付 (approved, waiting for finance), rejected 已退回, withdrawn, paid
export const CLAIM_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn', 'paid']
export const CLAIM_TAGS = { pending: 'warning', approved: 'primary', rejected: 'danger', withdrawn: 'info', paid: 'success' }

// 差旅费: its items say what they pay for, and the claim says where the trip went.
export const TRAVEL_CLASS = '30211'
export const TRAVEL_KINDS = ['lodging', 'meals', 'transport', 'fare', 'other']
export const RANKS = ['minister', 'bureau', 'other']

// Who sees every department's claims (the server applies the same scope).
export const ALL_CLAIMS_ROLES = ['finance', 'leader', 'supervisor', 'office']

// Today in Asia/Shanghai as YYYY-MM-DD (format.js; the claim pages import it from here).
export { todayShanghai }
export const thisYear = () => Number(todayShanghai().slice(0, 4))
