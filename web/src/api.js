// The one way the UI talks to the server: JSON over /api/v1 on the same origin.
// Adds the CSRF header to state-changing requests, asks for the UI's language
// (Accept-Language: error and notification texts come back in it) and turns error bodies
// ({"error":{"code","message","fields"}}) into ApiError.
import { locale, t } from './i18n/index.js'

const BASE = '/api/v1'

let csrfToken = ''
let unauthorizedHandler = () => {}

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || t('error.http', { status }))
    this.status = status
    this.code = error?.code || 'http'
    this.fields = error?.fields || null
  }
}

export function setCsrfToken(token) {
  csrfToken = token || ''
}

// Called on any 401 except where the caller handles it (login, session restore).
export function onUnauthorized(handler) {
  unauthorizedHandler = handler
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

async function request(method, path, { body, query, handle401 = true } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': locale.value }
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
  if (res.status === 401 && handle401) unauthorizedHandler()
  throw new ApiError(res.status, data.error)
}

// A file as the raw request body (POST /attachments?kind=photo): its name goes in
// X-Filename (percent-encoded UTF-8); the server detects the type from the bytes.
async function upload(path, file, { query } = {}) {
  const headers = {
    Accept: 'application/json',
    'Accept-Language': locale.value,
    'X-Filename': encodeURIComponent(file.name || ''),
  }
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(BASE + path + queryString(query), { method: 'POST', headers, body: file, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, { code: 'network', message: t('error.network') })
  }
  const data = await readJson(res)
  if (res.ok) return data
  if (res.status === 401) unauthorizedHandler()
  throw new ApiError(res.status, data.error)
}

export const api = {
  upload,
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  del: (path, options) => request('DELETE', path, options),
}
