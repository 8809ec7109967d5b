import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { t } from '../i18n/index.js'
import { useFormErrors } from './useFormErrors.js'

// An edit dialog's open state and save: `busy` while the request runs; on success
// 已保存, close and emit 'saved'; on failure the server's messages in `errors`
// (useFormErrors: field errors beside their inputs, the rest in the alert).
export function useSaveDialog(emit) {
  const visible = ref(true)
  const busy = ref(false)
  const errors = useFormErrors()

  async function submit(request) {
    busy.value = true
    try {
      await request()
      ElMessage.success(t('common.saved'))
      visible.value = false
      emit('saved')
    } catch (err) {
      errors.show(err)
    } finally {
      busy.value = false
    }
  }

  return { visible, busy, errors, submit }
}
