// 工作日历 (working hours, holidays and 调休), in 系统管理. Server side: src/modules/calendar/.
import { Calendar } from '@element-plus/icons-vue'
import { rolesIn } from '../menuRoles.js'
import messages from './messages.js'

const menu = [
  // The office edits the calendar; sysadmin may look (the API lets every signed-in user read).
  { key: 'calendar', group: 'admin', path: '/admin/calendar', icon: Calendar, roles: ['office', 'sysadmin'] },
]
const rolesOf = rolesIn(menu)

const routes = [
  {
    path: 'admin/calendar',
    name: 'calendar',
    component: () => import('./CalendarPage.vue'),
    meta: { roles: rolesOf('calendar') },
  },
]

export default { name: 'calendar', routes, menu, messages }
