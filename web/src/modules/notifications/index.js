// 我的通知: the inbox page, opened from the header bell (layout/NotificationBell.vue, which
// also uses notify.* messages); no sidebar entry. Server side: src/modules/notifications/.
import messages from './messages.js'

const routes = [
  {
    path: 'notifications',
    name: 'notifications',
    component: () => import('./InboxPage.vue'),
  },
]

// 变更记录 and 审计日志 (src/audit.js): key of before/after → [label key, format].
const history = [
  {
    entity: 'notification',
    label: 'notify.hist.notification',
    actions: { read: 'notify.hist.read', read_all: 'notify.hist.read_all' },
    fields: { read_at: ['notify.hist.readAt', 'time'], count: ['notify.hist.count'] },
  },
]

// The 工作台 (pages/home): 未读通知 equals GET /notifications?unread=true (notifications_home.c).
const home = {
  counters: {
    notif_unread: { label: 'notify.home.unread', to: { name: 'notifications', query: { filter: 'unread' } } },
  },
}

export default { name: 'notifications', routes, menu: [], messages, history, home }
