// The signed-in user. The session cookie is HttpOnly, so the UI learns who it is
// (and the CSRF token) from POST /session and GET /me.
import { reactive } from 'vue'
import { api, setCsrfToken } from './api.js'
import { setLocale } from './i18n/index.js'

export const session = reactive({ user: null, restored: false })

function accept(data) {
  session.user = data.user
  setCsrfToken(data.csrf_token)
  if (data.lang) setLocale(data.lang) // the language the user saved, on any device
}

export function clearSession() {
  session.user = null
  setCsrfToken('')
}

// Asks the server once per page load; a network failure is retried on the next navigation.
// GET /session answers {user: null} when nobody is signed in: the login page logs no 401.
export async function restoreSession() {
  if (session.restored) return
  try {
    const data = await api.get('/session', { handle401: false })
    if (data.user) accept(data)
    else clearSession()
    session.restored = true
  } catch (err) {
    clearSession()
    if (err.status === 401) session.restored = true
  }
}

export async function login(username, password) {
  accept(await api.post('/session', { username, password }, { handle401: false }))
  session.restored = true
}

// Re-reads the signed-in user (after a password change: the flag cleared, maybe a new CSRF
// token). Resolves false when the session is gone (the server may end it with the change).
export async function reloadSession() {
  try {
    accept(await api.get('/me', { handle401: false }))
    return true
  } catch (err) {
    if (err.status !== 401) throw err
    clearSession()
    return false
  }
}

// A reset or first password: only the password page is open until it is changed.
export const mustChangePassword = () => Boolean(session.user?.must_change_password)

export function requirePasswordChange() {
  if (session.user) session.user.must_change_password = true
}

export async function logout() {
  try {
    await api.del('/session', { handle401: false })
  } finally {
    clearSession()
  }
}

// An empty or missing list means "any signed-in user".
export function hasAnyRole(roles) {
  if (!roles || roles.length === 0) return true
  const mine = session.user?.roles ?? []
  return roles.some((role) => mine.includes(role))
}
