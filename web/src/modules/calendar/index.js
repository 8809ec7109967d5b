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

// 变更记录 and 审计日志 (src/audit.js): key of before/after → [label key, format]. Working
// hours are audited as a bare list of periods, which the diff shows under the key "value".
const H = 'calendar.hist'
const periods = (v) => (Array.isArray(v) ? v.map((p) => `${p.start}–${p.end}`).join('、') : String(v))

const history = [
  {
    entity: 'calendar',
    label: `${H}.calendar`,
    actions: Object.fromEntries(['set_day', 'delete_day', 'set_hours', 'confirm'].map((a) => [a, `${H}.${a}`])),
    fields: {
      date: ['calendar.date', 'date'],
      kind: ['calendar.kind', `enum:${H}.kinds`],
      name: ['calendar.name'],
      value: [`${H}.periods`, periods],
      confirmed: [`${H}.confirmed`, 'bool'],
      days: [`${H}.days`],
    },
  },
]

export default { name: 'calendar', routes, menu, messages, history }
