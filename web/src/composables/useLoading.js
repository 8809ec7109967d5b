import { ref } from 'vue'
import { ElMessage } from 'element-plus'

// A page's loading flag: `loading` while a load runs; a failed load is shown as a
// message and the page keeps what it had.
export function useLoading() {
  const loading = ref(false)

  async function withLoading(fn) {
    loading.value = true
    try {
      await fn()
    } catch (err) {
      ElMessage.error(err.message)
    } finally {
      loading.value = false
    }
  }

  return { loading, withLoading }
}
