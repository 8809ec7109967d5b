import { reactive, ref } from 'vue'

// Server validation errors for a form: `fields` feeds <el-form-item :error>,
// `message` an <el-alert> for what belongs to no single field (409, 422 rules).
export function useFormErrors() {
  const fields = reactive({})
  const message = ref('')

  function clear() {
    for (const key of Object.keys(fields)) delete fields[key]
    message.value = ''
  }

  function show(err) {
    clear()
    Object.assign(fields, err.fields || {})
    message.value = err.message
  }

  return reactive({ fields, message, clear, show })
}
