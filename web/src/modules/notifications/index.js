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

export default { name: 'notifications', routes, menu: [], messages }
