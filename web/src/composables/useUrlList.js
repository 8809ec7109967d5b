// A server-paged list whose filters live in the URL (报销, 用车申请, ...): the workbench links
// straight to a filtered list, Back from a record returns to the same filters and page, and an
// export takes the filters shown. The page keeps its template and its own texts; this keeps the
// state and the round trip filters → URL → request.
//
//   const list = useUrlList({ path: '/trips', routeName: 'vehicleTrips', entity: 'vehicle_trip',
//                             keys: ['mine', 'status', 'department_id', 'from', 'to', 'q'] })
//
// `from`/`to` are a date range (list.range for an el-date-picker), `department_id` a number,
// `mine` a scope switch that reset() keeps. The list reloads when the URL changes while its
// route is shown, and when a record of `entity` changes (live.js).
import { computed, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { api } from '../api.js'
import { useLiveEntity } from '../live.js'
import { useLoading } from './useLoading.js'

const PER_PAGE = 20

export function useUrlList({ path, routeName, entity, keys }) {
  const route = useRoute()
  const router = useRouter()
  const filters = reactive(Object.fromEntries(keys.map((k) => [k, ''])))
  const paging = reactive({ page: 1, per_page: PER_PAGE })
  const items = ref([])
  const total = ref(0)
  const { loading, withLoading } = useLoading()

  const range = computed({
    get: () => (filters.from && filters.to ? [filters.from, filters.to] : null),
    set: (v) => {
      filters.from = v?.[0] ?? ''
      filters.to = v?.[1] ?? ''
    },
  })
  // how many filters are set (the phone's filter button shows it); the scope is not a filter
  const activeFilters = computed(
    () => keys.filter((k) => !['mine', 'from', 'to'].includes(k) && filters[k]).length + (range.value ? 1 : 0),
  )

  function fromRoute() {
    for (const k of keys) filters[k] = route.query[k] ?? ''
    if ('department_id' in filters) filters.department_id = filters.department_id ? Number(filters.department_id) : ''
    paging.page = Number(route.query.page) || 1
    paging.per_page = Number(route.query.per_page) || PER_PAGE
  }

  function query() {
    const out = {}
    for (const k of keys) if (filters[k] !== '' && filters[k] !== null && filters[k] !== undefined) out[k] = filters[k]
    return out
  }

  function load() {
    return withLoading(async () => {
      const data = await api.get(path, { query: { ...query(), page: paging.page, per_page: paging.per_page } })
      items.value = data.items || []
      total.value = data.total || 0
    })
  }

  // Filters → URL, which reloads through the watch below.
  function apply(page = 1) {
    paging.page = page
    const q = { ...query(), page: paging.page, per_page: paging.per_page }
    if (q.page === 1) delete q.page
    if (q.per_page === PER_PAGE) delete q.per_page
    router.replace({ query: q })
  }

  function setScope(scope) {
    filters.mine = scope === 'mine' ? '1' : ''
    apply(1)
  }

  function reset() {
    for (const k of keys) if (k !== 'mine') filters[k] = ''
    apply(1)
  }


  watch(
    () => route.query,
    () => {
      if (route.name !== routeName) return // leaving for a record
      fromRoute()
      load()
    },
    { immediate: true },
  )
  useLiveEntity(entity, null, () => load())

  // query: the filters as request parameters (an <ExportMenu :query> exports what is shown)
  return { filters, paging, items, total, loading, range, activeFilters, query, load, apply, setScope, reset }
}
