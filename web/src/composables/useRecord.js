// One record's page (报销单, 用车申请, 领用单, 采购单, 盘点单, 审批, 车辆, 工单): the record of
// the route's :id, fetched with GET path(id) and followed live (live.js, `entity`).
//
//   const { id, record: trip, loadError, loading, historyKey, load } =
//     useRecord({ path: (id) => `/trips/${id}`, entity: 'vehicle_trip' })
//
// A failed load keeps the record shown and sets loadError (the page shows it where it has
// nothing to show). A change of :id forgets the record, so the page shows its placeholder
// rather than the last one, and an answer for an id left meanwhile is dropped. historyKey
// changes at each load: a page keys its EntityHistory with it, a decision being an entry.
import { computed, ref, watch } from 'vue'
import { useRoute } from 'vue-router'
import { api } from '../api.js'
import { useLiveEntity } from '../live.js'

export function useRecord({ path, entity }) {
  const route = useRoute()
  const id = computed(() => Number(route.params.id))
  const record = ref(null)
  const loadError = ref('')
  const loading = ref(false)
  const historyKey = ref(0)

  async function load() {
    const want = id.value
    if (!want) return
    loading.value = true
    try {
      const data = await api.get(path(want))
      if (want !== id.value) return // navigated meanwhile
      record.value = data
      loadError.value = ''
      historyKey.value++
    } catch (err) {
      if (want === id.value) loadError.value = err.message
    } finally {
      loading.value = false
    }
  }

  watch(
    id,
    () => {
      record.value = null
      loadError.value = ''
      load()
    },
    { immediate: true },
  )
  useLiveEntity(entity, id, () => load())

  return { id, record, loadError, loading, historyKey, load }
}
