// The one way the UI talks to the server: JSON over /api/v1 on the same origin.
// Adds the CSRF header to state-changing requests, says which language the UI is in
// (Accept-Language: zh-CN or en, so error messages come back in it) and turns error bodies
// ({"error":{"code","message","fields"}}) into ApiError.
import { locale, t } from './i18n/index.js'

const BASE = '/api/v1'

let csrfToken = ''
let unauthorizedHandler = () => {}
let passwordChangeHandler = () => {}

// A field error's message starts with the field's API name ("name：不能为空"), which means
// nothing to a person: cut it off. Forms show fields[…] at their fields, with their labels
// (web/src/forms.js); what is left here serves a toast that names no field.
function readableMessage(error) {
  const message = error?.message
  if (!message || !error.fields) return message
  for (const name of Object.keys(error.fields)) {
    for (const sep of ['：', ': ']) if (message.startsWith(name + sep)) return message.slice(name.length + sep.length)
  }
  return message
}

// retryAfter: the seconds of a 429's Retry-After header (null without one).
export class ApiError extends Error {
  constructor(status, error, retryAfter = null) {
    super(readableMessage(error) || t('error.http', { status }))
    this.status = status
    this.code = error?.code || 'http'
    this.fields = error?.fields || null
    this.retryAfter = retryAfter
  }
}

export function setCsrfToken(token) {
  csrfToken = token || ''
}

// Called on any 401 except where the caller handles it (login, session restore).
export function onUnauthorized(handler) {
  unauthorizedHandler = handler
}

// Called on a 403 password_change_required: the password was reset (or is the first one)
// and the server answers nothing else until it is changed.
export function onPasswordChangeRequired(handler) {
  passwordChangeHandler = handler
}

function retryAfterOf(res) {
  const seconds = Number.parseInt(res.headers.get('Retry-After') ?? '', 10)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null
}

// The ApiError of a failed answer, after telling the handlers that want to know.
function failure(res, data, handle401) {
  if (res.status === 401 && handle401) unauthorizedHandler()
  if (res.status === 403 && data.error?.code === 'password_change_required') passwordChangeHandler()
  return new ApiError(res.status, data.error, retryAfterOf(res))
}

function queryString(query) {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.append(key, value)
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

async function readJson(res) {
  const text = await res.text()
  if (!text) return {}
  try {
    return JSON.parse(text)
  } catch {
    return {}
  }
}

// Headers every request carries.
function baseHeaders() {
  return { Accept: 'application/json', 'Accept-Language': locale.value }
}

async function request(method, path, { body, query, handle401 = true } = {}) {
  const headers = baseHeaders()
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res
  try {
    res = await fetch(BASE + path + queryString(query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, { code: 'network', message: t('error.network') })
  }
  const data = await readJson(res)
  if (res.ok) return data
  throw failure(res, data, handle401)
}

// A file as the raw request body (POST /attachments?kind=photo): its name goes in
// X-Filename (percent-encoded UTF-8); the server detects the type from the bytes.
async function upload(path, file, { query } = {}) {
  const headers = { ...baseHeaders(), 'X-Filename': encodeURIComponent(file.name || '') }
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(BASE + path + queryString(query), { method: 'POST', headers, body: file, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, { code: 'network', message: t('error.network') })
  }
  const data = await readJson(res)
  if (res.ok) return data
  throw failure(res, data, true)
}

export const api = {
  upload,
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  del: (path, options) => request('DELETE', path, options),
}
