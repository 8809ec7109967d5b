import dayjs from 'dayjs'

// Server timestamps are ISO-8601 in Asia/Shanghai (+08:00, no DST). They are shown as
// Shanghai wall-clock time whatever the browser's zone: shift to UTC+8 and format in UTC.
const SHANGHAI_MS = 8 * 3600 * 1000

export function formatTime(iso, pattern = 'YYYY-MM-DD HH:mm') {
  if (!iso) return ''
  const t = dayjs(iso)
  if (!t.isValid()) return ''
  const d = new Date(t.valueOf() + SHANGHAI_MS)
  const pad = (n, w = 2) => String(n).padStart(w, '0')
  return pattern
    .replace('YYYY', pad(d.getUTCFullYear(), 4))
    .replace('MM', pad(d.getUTCMonth() + 1))
    .replace('DD', pad(d.getUTCDate()))
    .replace('HH', pad(d.getUTCHours()))
    .replace('mm', pad(d.getUTCMinutes()))
    .replace('ss', pad(d.getUTCSeconds()))
}

// Today's date in Asia/Shanghai (YYYY-MM-DD) whatever the browser's zone: a page's default
// period or date must be the agency's day, also for a reader abroad (or a test in UTC after
// 16:00). shanghaiDay(): the same day as a dayjs for calendar arithmetic (month start, -6 days).
export const todayShanghai = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date())
export const shanghaiDay = () => dayjs(todayShanghai())

// Money is integer fen end to end; these helpers never go through floating point.
const YUAN = /^(\d{1,13})(?:\.(\d{0,2}))?$/

// '1,234.5' / '¥8000' / '123.45' → 12345 (fen); '' → null; anything else (more than two
// decimals, a sign, letters) → NaN, so the caller can show a field error.
export function parseYuan(text) {
  const s = String(text ?? '').replace(/[\s,，¥￥]/g, '')
  if (s === '') return null
  const m = YUAN.exec(s)
  if (!m) return NaN
  return Number(m[1] + (m[2] ?? '').padEnd(2, '0'))
}

// 12345 → '123.45' (for an input box); null → ''.
export function fenToYuan(fen) {
  if (fen === null || fen === undefined || !Number.isSafeInteger(fen)) return ''
  const digits = String(Math.abs(fen)).padStart(3, '0')
  return `${fen < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

// 123456 → '¥1,234.56'; null → ''.
export function formatFen(fen) {
  const plain = fenToYuan(fen)
  if (!plain) return ''
  const negative = plain.startsWith('-')
  const [whole, cents] = (negative ? plain.slice(1) : plain).split('.')
  return `${negative ? '-' : ''}¥${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`
}
