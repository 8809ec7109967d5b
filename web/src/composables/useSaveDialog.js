import { ref, toRef } from 'vue'
import { ElMessage } from 'element-plus'
import { useForm } from '../forms.js'
import { t } from '../i18n/index.js'

// An edit dialog's open state and save over the shared form helper (web/src/forms.js, which
// `model` and `spec` go to): `busy` while the request runs; nothing is sent while a check
// fails; on success 已保存, close and emit 'saved'; on failure the server's errors at their
// fields and the rest in the alert (f.alert).
export function useSaveDialog(emit, model, spec) {
  const visible = ref(true)
  const f = useForm(model, spec)

  async function submit(request) {
    if (!(await f.run(request))) return
    ElMessage.success(t('common.saved'))
    visible.value = false
    emit('saved')
  }

  return { visible, busy: toRef(f, 'busy'), f, submit }
}
