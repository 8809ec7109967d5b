// One message catalogue per language and a tiny t() with a reactive current locale.
// A catalogue is the shared messages here (zh-CN.js, en.js) plus every web module's own
// (src/modules/<d>/messages.js), merged by merge.js. The modules' join when the router loads
// them with the first signed-in page (addModuleMessages): the login page needs only the shared.
// The Element Plus locale follows it through <el-config-provider> in App.vue.
import { computed, ref } from 'vue'
import elZhCn from 'element-plus/es/locale/lang/zh-cn'
import elEn from 'element-plus/es/locale/lang/en'
import { mergeCatalogue } from './merge.js'
import sharedZhCN from './zh-CN.js'
import sharedEn from './en.js'

const catalogues = {
  'zh-CN': { shared: sharedZhCN, messages: mergeCatalogue('zh-CN', sharedZhCN, []), element: elZhCn },
  en: { shared: sharedEn, messages: mergeCatalogue('en', sharedEn, []), element: elEn },
}

export function addModuleMessages(modules) {
  for (const [code, c] of Object.entries(catalogues)) c.messages = mergeCatalogue(code, c.shared, modules)
}
export const LOCALES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
]
const STORAGE_KEY = 'houqin.locale'
const DEFAULT_LOCALE = 'zh-CN'

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

export const locale = ref(catalogues[stored()] ? stored() : DEFAULT_LOCALE)
export const elementLocale = computed(() => catalogues[locale.value].element)

export function setLocale(code) {
  if (!catalogues[code]) return
  locale.value = code
  try {
    localStorage.setItem(STORAGE_KEY, code)
  } catch {
    // private mode: the choice lasts for this page only
  }
}

function lookup(messages, key) {
  const value = key.split('.').reduce((node, part) => node?.[part], messages)
  return typeof value === 'string' ? value : undefined
}

// t('home.welcome', { name }) → '欢迎，张三'; unknown keys fall back to Chinese, then to the key.
export function t(key, params) {
  const chinese = catalogues['zh-CN'].messages
  const text = lookup(catalogues[locale.value].messages, key) ?? lookup(chinese, key) ?? key
  return params ? text.replace(/\{(\w+)\}/g, (m, name) => String(params[name] ?? m)) : text
}
