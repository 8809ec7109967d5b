// THE list of web modules: one line per business domain (web/README.md, "Adding a web module").
// Each src/modules/<d>/index.js default-exports
//   { name,       the server module's name (src/modules/<d>/) where there is one
//     routes,     children of the signed-in layout (paths without the leading '/'); meta.roles
//                 taken from the module's menu entries (menuRoles.js); an entity's page is
//                 named <entity>Detail so live.js entityLocation() finds it
//     menu,       sidebar entries { key, path, icon, roles } (roles [] = everyone signed in), or a
//                 group { key, icon, children }; `group: 'admin'` puts an entry into the shell's
//                 系统管理 group; where the rest go is up to src/menu.js (its SLOTS)
//     messages,   { 'zh-CN': {...}, en: {...} }, the same keys in both; the label of a menu entry
//                 is menu.<key>
//     history,    optional: the audited entities' labels, actions and field formats, which
//                 src/audit.js reads for 变更记录 and 审计日志
//     home }      optional: what its counters, request kinds and figures of GET /workbench look
//                 like on the 工作台 (labels, the list each counter links to, the menu entry
//                 with its badge): see src/pages/home/workbench.js
// router.js, menu.js and i18n/index.js iterate this list. Its order is the order in which
// entries sharing a group (系统管理) appear, and the order of routes; it imports no page, so
// tests/e2e/web_modules.test.mjs can load it under plain node.
import approvals from './approvals/index.js'
import workorders from './workorders/index.js'
import org from './org/index.js'
import calendar from './calendar/index.js'
import locations from './locations/index.js'
import audit from './audit/index.js'
import notifications from './notifications/index.js'
import budget from './budget/index.js'
import vehicles from './vehicles/index.js'
import supplies from './supplies/index.js'

export const modules = [approvals, workorders, org, calendar, locations, audit, notifications, budget, vehicles, supplies]
