// Live updates: one EventSource per tab to GET /api/v1/events (Server-Sent
// Events), shared by every component. The server sends
//   event: notification  data: {entity, entity_id, notification: {...}}  (to its recipient)
//   event: changed       data: {entity, entity_id}                       (a record changed)
// and first "ready" (the stream's resume point).
//
//   onEvent(type, handler)            handler(data, event) for 'notification', 'changed'
//                                     or '*' (both); returns a function that unsubscribes
//   useLiveEntity(entity, id, reload) in a component: call reload(data) (debounced) when a
//                                     notification or change for that record arrives; id is
//                                     a number, a ref or a getter; null/undefined = any
//                                     record of that entity (a list page). Unsubscribes on unmount.
//   live.unread                       the header bell's unread count (reactive)
//   refreshUnread()                   re-read it now (after marking read, on navigation)
//   entityLocation(entity, id)        the route that shows a record: route name
//                                     `<entity in camelCase>Detail` with param id, or null
//
// The stream runs while someone is signed in. A dropped connection is resumed
// by the browser itself (it sends Last-Event-ID); when the server refuses
// (401, 429, 503) the browser gives up, and we retry with a growing delay from
// the last event seen (?last_event_id=), after checking the session through
// the API (a 401 there signs the user out as everywhere else).
import { onBeforeUnmount, reactive, unref, watch } from 'vue'
import { api } from './api.js'
import { router } from './router.js'
import { session } from './session.js'

const EVENTS_URL = '/api/v1/events'
const RETRY_MIN_MS = 2000
const RETRY_MAX_MS = 60000

export const live = reactive({ connected: false, unread: 0 })

const handlers = new Map() // type -> Set of handler
let source = null
let lastEventId = ''
let retryTimer = null
let retryDelay = RETRY_MIN_MS
let unreadTimer = null

export function onEvent(type, handler) {
  if (!handlers.has(type)) handlers.set(type, new Set())
  handlers.get(type).add(handler)
  return () => handlers.get(type)?.delete(handler)
}

function call(type, data, event) {
  for (const handler of [...(handlers.get(type) ?? [])]) {
    try {
      handler(data, event)
    } catch (err) {
      console.error('live event handler failed', err)
    }
  }
}

function dispatch(type, event) {
  if (event.lastEventId) lastEventId = event.lastEventId
  let data
  try {
    data = JSON.parse(event.data)
  } catch {
    return
  }
  call(type, data, event)
  call('*', data, event)
  if (type === 'notification' || data?.entity === 'notification') refreshUnreadSoon()
}

export async function refreshUnread() {
  if (!session.user || session.user.must_change_password) {
    live.unread = 0
    return
  }
  try {
    live.unread = (await api.get('/notifications/unread-count')).count || 0
  } catch {
    // keep the last count; a 401 has already sent the user to the login page
  }
}

// Several events in a burst (read-all, a decision notifying many) cost one request.
function refreshUnreadSoon() {
  clearTimeout(unreadTimer)
  unreadTimer = setTimeout(refreshUnread, 250)
}

function connect() {
  if (source || !session.user || session.user.must_change_password || typeof EventSource === 'undefined') return
  source = new EventSource(lastEventId ? `${EVENTS_URL}?last_event_id=${encodeURIComponent(lastEventId)}` : EVENTS_URL)
  source.addEventListener('ready', (event) => {
    if (event.lastEventId) lastEventId = event.lastEventId
    live.connected = true
    retryDelay = RETRY_MIN_MS
    refreshUnread() // anything missed while disconnected
  })
  source.addEventListener('notification', (event) => dispatch('notification', event))
  source.addEventListener('changed', (event) => dispatch('changed', event))
  source.onerror = () => {
    live.connected = false
    // CONNECTING: the browser reconnects by itself. CLOSED: refused, our turn.
    if (source && source.readyState === EventSource.CLOSED) {
      source.close()
      source = null
      scheduleRetry()
    }
  }
}

function scheduleRetry() {
  clearTimeout(retryTimer)
  retryTimer = setTimeout(async () => {
    retryTimer = null
    await refreshUnread() // a 401 here signs out, which stops everything
    if (session.user) connect()
  }, retryDelay)
  retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS)
}

function disconnect() {
  clearTimeout(retryTimer)
  clearTimeout(unreadTimer)
  retryTimer = null
  if (source) source.close()
  source = null
  live.connected = false
}

// Sign-in starts the stream, sign-out (or another user) stops it; so does a password that
// must be changed first (the server refuses everything else until then).
watch(
  () => (session.user?.must_change_password ? undefined : session.user?.id),
  (id, previous) => {
    disconnect()
    if (id !== previous) lastEventId = ''
    retryDelay = RETRY_MIN_MS
    live.unread = 0
    if (id) {
      connect()
      refreshUnread()
    }
  },
  { immediate: true },
)

export function useLiveEntity(entity, id, reload, { delay = 300 } = {}) {
  let timer = null
  const wanted = () => (typeof id === 'function' ? id() : unref(id))
  const off = onEvent('*', (data) => {
    if (!data || data.entity !== entity) return
    const want = wanted()
    if (want !== null && want !== undefined && String(data.entity_id) !== String(want)) return
    clearTimeout(timer)
    timer = setTimeout(() => reload(data), delay)
  })
  onBeforeUnmount(() => {
    clearTimeout(timer)
    off()
  })
  return off
}

function camel(entity) {
  return entity.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
}

export function entityLocation(entity, id) {
  if (!entity || !id) return null
  const name = `${camel(entity)}Detail`
  return router.hasRoute(name) ? { name, params: { id: String(id) } } : null
}
