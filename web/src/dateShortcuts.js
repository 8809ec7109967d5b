// The shortcuts every date-range picker offers (#13 item 5): 今天, 最近一周, 本月, 上月, in the
// user's language. Element Plus calls value() when one is picked, so "today" is the day of the
// click, not of the page load — the agency's day in Asia/Shanghai.
import { computed } from 'vue'
import { shanghaiDay } from './format.js'
import { t } from './i18n/index.js'

const day = (d) => d.startOf('day').toDate()

export const rangeShortcuts = computed(() => [
  { text: t('common.range.today'), value: () => [day(shanghaiDay()), day(shanghaiDay())] },
  { text: t('common.range.week'), value: () => [day(shanghaiDay().subtract(6, 'day')), day(shanghaiDay())] },
  { text: t('common.range.month'), value: () => [day(shanghaiDay().startOf('month')), day(shanghaiDay())] },
  {
    text: t('common.range.lastMonth'),
    value: () => {
      const last = shanghaiDay().subtract(1, 'month')
      return [day(last.startOf('month')), day(last.endOf('month'))]
    },
  },
])
