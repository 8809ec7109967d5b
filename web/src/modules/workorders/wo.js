// Shared bits of the 报修 pages: status and priority codes with their tag colours,
// the action codes the order's "allowed" list may hold, and small helpers.
import { api } from '../../api.js'
import { t } from '../../i18n/index.js'

export const STATUSES = ['submitted', 'accepted', 'dispatched', 'in_progress', 'suspended', 'resolved', 'confirmed', 'cancelled']
export const PRIORITIES = ['urgent', 'high', 'normal', 'low']

export const STATUS_TAGS = {
  submitted: 'warning',
  accepted: 'primary',
  dispatched: 'primary',
  in_progress: 'primary',
  suspended: 'info',
  resolved: 'success',
  confirmed: 'success',
  cancelled: 'info',
}
export const PRIORITY_TAGS = { urgent: 'danger', high: 'warning', normal: 'info', low: 'info' }

// Timeline dot colours per action (el-timeline-item type).
export const ACTION_TYPES = {
  create: 'primary',
  accept: 'primary',
  dispatch: 'primary',
  transfer: 'warning',
  start: 'primary',
  suspend: 'warning',
  resume: 'primary',
  resolve: 'success',
  confirm: 'success',
  auto_confirm: 'success',
  reopen: 'danger',
  cancel: 'info',
}

// Buttons in the order they are offered; which dialog each needs (null: a plain confirm).
export const ACTIONS = ['accept', 'dispatch', 'transfer', 'start', 'suspend', 'resume', 'resolve', 'confirm', 'reopen', 'cancel']
export const ACTION_FORMS = {
  accept: null,
  start: null,
  resume: null,
  dispatch: 'assign',
  transfer: 'assign',
  suspend: 'reason',
  cancel: 'reason',
  reopen: 'reason',
  resolve: 'resolve',
  confirm: 'confirm',
}
export const ACTION_BUTTON_TYPES = {
  accept: 'primary',
  dispatch: 'primary',
  transfer: 'warning',
  start: 'primary',
  suspend: 'warning',
  resume: 'primary',
  resolve: 'success',
  confirm: 'success',
  reopen: 'danger',
  cancel: 'danger',
}

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024
export const PHOTOS_MAX = 9

// Labels: the server's own label when it sent one, the catalogue otherwise.
export const statusLabel = (order) => order?.status_label || t(`wo.status.${order?.status}`)
export const priorityLabel = (order) => order?.priority_label || t(`wo.priority.${order?.priority}`)
export const actionLabel = (code) => t(`wo.action.${code}`)

// POST /orders/:id/<action>: the updated order, as GET /workorders/:id gives it.
export const act = (id, action, body = {}) => api.post(`/workorders/${id}/${action}`, body)

// The location tree (GET /locations?active=1) as el-cascader options.
export function cascaderOptions(nodes) {
  return (nodes || []).map((n) => ({
    value: n.id,
    label: n.name,
    children: n.children?.length ? cascaderOptions(n.children) : undefined,
  }))
}

// The ids from the root down to id in the tree, or null when id is not in it.
export function pathTo(nodes, id) {
  for (const n of nodes || []) {
    if (n.id === id) return [n.id]
    const below = pathTo(n.children, id)
    if (below) return [n.id, ...below]
  }
  return null
}

// A server refusal of an upload in words: 413 too big, 415 not an image, else its message.
export function uploadErrorText(err) {
  if (err.status === 413) return err.code === 'http' ? t('wo.photo.tooLarge') : err.message
  if (err.status === 415) return err.code === 'http' ? t('wo.photo.notImage') : err.message
  return err.message
}

// "due in 2 h" style text for SLA due times is left to formatTime; this says whether an
// ISO time has passed.
export const isPast = (iso) => !!iso && new Date(iso).getTime() < Date.now()
