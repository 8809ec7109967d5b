// 领用申请: what the requisition pages share. Server: /api/v1/requisitions, /api/v1/supply-quotas
// (src/modules/supplies/requisitions*.c, issue #16).

// pending 审批中, approved 待发放, rejected, withdrawn, issued 已发放 (in part or in full),
// received 已领取, cancelled
export const REQ_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn', 'issued', 'received', 'cancelled']
export const REQ_TAGS = {
  pending: 'warning',
  approved: 'primary',
  rejected: 'danger',
  withdrawn: 'info',
  issued: 'success',
  received: 'success',
  cancelled: 'info',
}
// Who sees every department's requisitions (the server's scope)
export const ALL_REQ_ROLES = ['office', 'leader', 'finance', 'supervisor']
