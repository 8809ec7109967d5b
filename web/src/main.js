import { createApp } from 'vue'
import dayjs from 'dayjs'
import updateLocale from 'dayjs/plugin/updateLocale'
import 'dayjs/locale/zh-cn'
// Element Plus comes on demand (vite.config.js): templates import their components and CSS.
// Here only what no template names: the base (CSS variables) and the styles of the services
// called from scripts (ElMessage, ElMessageBox, ElNotification, ElLoading), and, before
// styles.css so that it still overrides them, the components styles.css restyles.
import 'element-plus/es/components/base/style/css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/notification/style/css'
import 'element-plus/es/components/loading/style/css'
// every component styles.css restyles (its phone rules: 44 px targets) — keep in step with it
import 'element-plus/es/components/button/style/css'
import 'element-plus/es/components/card/style/css'
import 'element-plus/es/components/checkbox/style/css'
import 'element-plus/es/components/checkbox-button/style/css'
import 'element-plus/es/components/dialog/style/css'
import 'element-plus/es/components/drawer/style/css'
import 'element-plus/es/components/dropdown/style/css'
import 'element-plus/es/components/input/style/css'
import 'element-plus/es/components/input-number/style/css'
import 'element-plus/es/components/link/style/css'
import 'element-plus/es/components/pagination/style/css'
import 'element-plus/es/components/radio/style/css'
import 'element-plus/es/components/radio-button/style/css'
import 'element-plus/es/components/select/style/css'
import 'element-plus/es/components/switch/style/css'
import 'element-plus/es/components/table/style/css'
import 'element-plus/es/components/tabs/style/css'
import App from './App.vue'
import { router } from './router.js'
import './styles.css'

// Weeks start on Monday in every date picker, in English as in Chinese (#13 item 5):
// Element Plus takes the first day from the Day.js locale.
dayjs.extend(updateLocale)
dayjs.updateLocale('en', { weekStart: 1 })

createApp(App).use(router).mount('#app')
