// The 工作台's data: one GET /api/v1/workbench for the whole page, shared by the home page and
// the sidebar's badges (layout/SideMenu.vue), reloaded (debounced) whenever a live event
// arrives (live.js) and on demand. What each counter, request kind and figure means on
// screen comes from the web modules' `home` entries (src/modules/<d>/index.js):
//   counters: { <key>: { label, to, menu, warn } }  label: i18n key; to: the route location
//             of the list whose total the counter is; menu: the menu entry showing the badge
//   kinds:    { <kind>: { label, statusTag } }       statusTag: () => import(a tag component)
//   figures:  { <key>: { label, to } }
// This file and the page name no module.
import { reactive } from 'vue'
import { api } from '../../api.js'
import { onEvent } from '../../live.js'
import { modules } from '../../modules/index.js'
import { session } from '../../session.js'

const RELOAD_DELAY_MS = 400

function gather(part) {
  const out = {}
  for (const m of modules) Object.assign(out, m.home?.[part] || {})
  return out
}

export const homeCounters = gather('counters')
export const homeKinds = gather('kinds')
export const homeFigures = gather('figures')

export const workbench = reactive({ data: null, loading: false, failed: false, userId: null })

let pending = null
let timer = null
let listening = false

export async function loadWorkbench() {
  if (!session.user || session.user.must_change_password) {
    workbench.data = null
    return
  }
  if (pending) return pending
  workbench.loading = true
  pending = (async () => {
    try {
      workbench.data = await api.get('/workbench')
      workbench.userId = session.user?.id ?? null
      workbench.failed = false
    } catch {
      workbench.failed = true // a 401 has already sent the user to the login page
    } finally {
      workbench.loading = false
      pending = null
    }
  })()
  return pending
}

function reloadSoon() {
  clearTimeout(timer)
  timer = setTimeout(loadWorkbench, RELOAD_DELAY_MS)
}

// Start following live events (once per tab) and load: always when fresh is set (the home
// page, on each visit), else unless loaded for this user already (the sidebar).
export function useWorkbench({ fresh = false } = {}) {
  if (!listening) {
    listening = true
    onEvent('*', reloadSoon)
  }
  if (fresh || !workbench.data || workbench.userId !== session.user?.id) loadWorkbench()
  return workbench
}

// { <menu key>: count } for the sidebar: counters that name a menu entry and are not zero.
export function menuBadges() {
  const out = {}
  for (const c of workbench.data?.counters || []) {
    const menu = homeCounters[c.key]?.menu
    if (menu && c.count > 0) out[menu] = (out[menu] || 0) + c.count
  }
  return out
}
