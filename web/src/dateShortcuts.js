// The shortcuts every date-range picker offers (#13 item 5): 今天, 最近一周, 本月, 上月, in the
// user's language. Element Plus calls value() when one is picked, so "today" is the day of the
// click, not of the page load.
import { computed } from 'vue'
import dayjs from 'dayjs'
import { t } from './i18n/index.js'

const day = (d) => d.startOf('day').toDate()

export const rangeShortcuts = computed(() => [
  { text: t('common.range.today'), value: () => [day(dayjs()), day(dayjs())] },
  { text: t('common.range.week'), value: () => [day(dayjs().subtract(6, 'day')), day(dayjs())] },
  { text: t('common.range.month'), value: () => [day(dayjs().startOf('month')), day(dayjs())] },
  {
    text: t('common.range.lastMonth'),
    value: () => {
      const last = dayjs().subtract(1, 'month')
      return [day(last.startOf('month')), day(last.endOf('month'))]
    },
  },
])
