// Exports: any list endpoint answers ?format=csv|xlsx (with the list's own filters)
// with a file. It is fetched here, so a refusal (403, 422 "too many rows"…) becomes
// an ApiError the page can show, and a success is handed to the browser as a download
// named by the server (Content-Disposition, e.g. 用户列表.xlsx).
import { ApiError } from './api.js'
import { locale, t } from './i18n/index.js'

const BASE = '/api/v1'

export const EXPORT_FORMATS = ['xlsx', 'csv']

function queryString(query) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.append(key, value)
  }
  return params.toString()
}

// filename*=UTF-8''%E7%94%A8… (RFC 5987) first, then a plain filename="…".
export function dispositionName(header) {
  const ext = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header || '')
  if (ext) {
    try {
      return decodeURIComponent(ext[1].trim())
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header || '')
  return plain ? plain[1] : ''
}

// downloadExport('/users', { q, department_id }, 'xlsx'): resolves once the browser has the file.
export async function downloadExport(path, query, format) {
  let res
  try {
    res = await fetch(`${BASE}${path}?${queryString({ ...query, format })}`, {
      headers: { 'Accept-Language': locale.value }, // a refusal's message in the UI's language
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, { code: 'network', message: t('error.network') })
  }
  if (!res.ok) {
    let data = {}
    try {
      data = await res.json()
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(res.status, data.error)
  }
  const blob = await res.blob()
  const name = dispositionName(res.headers.get('Content-Disposition')) || `export.${format}`
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60000)
  return name
}
