import dayjs from 'dayjs'

// Server timestamps are ISO-8601 with +08:00; shown as local wall-clock time.
export function formatTime(iso) {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : ''
}
