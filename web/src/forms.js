// Every form's checks and error display, one way (issue #13 item 3):
// - required fields and client checks declared once per form, from the fields' labels:
//   「请填写名称」/"Enter the name", 「请选择部门」/"Choose the department";
// - nothing is sent while a check fails; after the first try the checks run live, so a
//   message (and the alert above the form) goes as soon as the field is put right;
// - the server's field errors ({"error":{"fields":{"username":"…"}}}, web/src/api.js) at
//   their fields with the field's label, never the API's field code; a field the form does
//   not show goes to the alert; a field's server error goes when its value changes;
// - the page (or dialog) scrolls to the first field in error and focuses it.
//
// Usage:
//   const f = useForm(form, { fields: { name: { label: 'dept.name', required: true } } })
//   <el-alert v-if="f.alert" :title="f.alert" …/>
//   <el-form v-bind="f.attrs" …>
//     <el-form-item v-bind="f.item('name')"> … </el-form-item>
//   const done = await f.run(() => api.post(…))   // null: not sent, or the server said no
//
// A field spec: label (i18n key or a function giving the text), required (boolean or
// function of the model), pick (a choice, not typed: 「请选择」), value (model → the value
// when it is not model[name]), check ((value, model) → message or '').
// Options: aliases (server field → form field: an object or a function), check (model →
// {name: message} for parts no single field names, e.g. 'steps[0].name'), known (server
// field name → true when the form shows it itself, e.g. through f.error('steps[0].name')).
import { computed, nextTick, reactive, ref, watch } from 'vue'
import { locale, t } from './i18n/index.js'

let lastId = 0

// A label inside an English sentence loses its capital ("Enter the name"); 「QR」 keeps it.
function inSentence(label) {
  if (locale.value !== 'en') return label
  return /^[A-Z][a-z]/.test(label) ? label[0].toLowerCase() + label.slice(1) : label
}

// 「请填写名称」 / "Enter the name"; `pick` for a choice: 「请选择部门」 / "Choose the department".
export function requiredMessage(label, pick = false) {
  return t(pick ? 'form.pick' : 'form.required', { label: inSentence(label) })
}

// A server message at its field, with the field's label unless it already names it.
export function fieldMessage(label, message) {
  if (!label || message.startsWith(label)) return message
  return t('form.fieldError', { label, message })
}

export function isEmpty(v) {
  if (v === null || v === undefined) return true
  if (typeof v === 'string') return !v.trim()
  if (Array.isArray(v)) return v.length === 0
  return false
}

// model at 'name', 'steps[0].name', 'targets.urgent.accept_min'.
const pathValue = (model, name) =>
  name.split(/[.[\]]+/).filter(Boolean).reduce((node, key) => (node == null ? undefined : node[key]), model)
const textOf = (label) => (typeof label === 'function' ? label() : label ? t(label) : '')
const snapshot = (v) => JSON.stringify(v ?? null)

// Scrolls the first field in error inside the element with data-form="id" into view and
// focuses its text box (not a select or cascader: focus would not open them anyway).
export async function scrollToFirstError(id) {
  await nextTick()
  await nextTick() // el-form-item turns its `error` prop into .is-error in a watcher
  const root = document.querySelector(`[data-form="${id}"]`)
  const first = root?.querySelector('.el-form-item.is-error, .form-error')
  if (!first) return
  first.scrollIntoView({ block: 'center' })
  const box = first.querySelector(
    'input.el-input__inner:not([readonly]):not([disabled]), textarea:not([disabled])',
  )
  box?.focus({ preventScroll: true })
}

export function useForm(model, options = {}) {
  const specs = options.fields || {}
  const alias =
    typeof options.aliases === 'function' ? options.aliases : (n) => options.aliases?.[n] || n
  const id = `f${++lastId}`
  const tried = ref(false) // a submit was tried: from then on the checks run live
  const busy = ref(false)
  const note = ref('') // the server's message that names no field (409 stale, 422 rule …)
  const server = reactive({}) // field → { message, sent }: the server's field errors
  const stray = ref([]) // the server's errors of fields this form does not show

  const valueOf = (name) => (specs[name]?.value ? specs[name].value(model) : pathValue(model, name))
  const labelOf = (name) => textOf(specs[name]?.label)
  const isRequired = (name) => {
    const r = specs[name]?.required
    return Boolean(typeof r === 'function' ? r(model) : r)
  }

  function checkField(name) {
    const spec = specs[name]
    const v = valueOf(name)
    if (isRequired(name) && isEmpty(v)) return requiredMessage(labelOf(name), spec.pick)
    return (!isEmpty(v) && spec.check?.(v, model)) || ''
  }

  // name → message of every client check that fails now (nothing before the first try).
  const client = computed(() => {
    if (!tried.value) return {}
    const out = {}
    for (const name of Object.keys(specs)) {
      const msg = checkField(name)
      if (msg) out[name] = msg
    }
    for (const [name, msg] of Object.entries(options.check?.(model) || {})) {
      if (msg && !out[name]) out[name] = msg
    }
    return out
  })

  // A server error stays while the value it was about is unchanged.
  watch(
    () => Object.keys(server).map((name) => snapshot(valueOf(name))),
    () => {
      for (const [name, e] of Object.entries(server)) {
        if (snapshot(valueOf(name)) !== e.sent) delete server[name]
      }
    },
  )

  const error = (name) => client.value[name] || server[name]?.message || ''
  const anyFieldError = computed(() => Object.keys(client.value).length > 0 || Object.keys(server).length > 0)

  const alert = computed(() => {
    const parts = [note.value, ...stray.value].filter(Boolean)
    if (parts.length) return parts.join('；')
    return anyFieldError.value ? t('form.fixFields') : ''
  })

  function clear() {
    for (const name of Object.keys(server)) delete server[name]
    note.value = ''
    stray.value = []
  }

  // Client checks; false (and the first bad field in view) when one fails.
  function validate() {
    tried.value = true
    clear()
    if (Object.keys(client.value).length === 0) return true
    scrollToFirstError(id)
    return false
  }

  // A field the form shows: declared, or claimed by options.known.
  const shown = (name) => name in specs || Boolean(options.known?.(name))

  // An ApiError into field errors (at their fields), stray fields and the message (alert);
  // `message`, when given, says it instead of the server's message (e.g. a wait after a 429).
  function show(err, message) {
    clear()
    const fields = err?.fields || {}
    for (const [apiName, message] of Object.entries(fields)) {
      const name = alias(apiName)
      if (shown(name)) setError(name, fieldMessage(labelOf(name), message))
      else stray.value.push(t('form.fieldError', { label: apiName, message }))
    }
    // With field errors the server's message is the first of them ("name：不能为空"): not shown.
    if (message || Object.keys(fields).length === 0) note.value = message || err?.message || ''
    if (Object.keys(server).length) scrollToFirstError(id)
  }

  // A message of the form's own at a field (e.g. a QR code naming no known place); it goes
  // when the field changes.
  function setError(name, message) {
    server[name] = { message, sent: snapshot(valueOf(name)) }
  }

  // validate → request → { value } on success, null when not sent or refused (shown).
  async function run(request) {
    if (!validate()) return null
    busy.value = true
    try {
      return { value: await request() }
    } catch (err) {
      show(err)
      return null
    } finally {
      busy.value = false
    }
  }

  // Forget every check and error: a reused dialog opened afresh.
  function reset() {
    tried.value = false
    clear()
  }

  // v-bind of an el-form-item: label, required mark, the error, and its name for tests.
  function item(name) {
    return { label: labelOf(name), required: isRequired(name), error: error(name), 'data-field': name }
  }

  return reactive({
    id,
    attrs: { 'data-form': id },
    busy,
    alert,
    error,
    item,
    validate,
    show,
    setError,
    clear,
    reset,
    run,
  })
}
