import { createApp } from 'vue'
import dayjs from 'dayjs'
import updateLocale from 'dayjs/plugin/updateLocale'
import 'dayjs/locale/zh-cn'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { router } from './router.js'
import './styles.css'

// Weeks start on Monday in every date picker, in English as in Chinese (#13 item 5):
// Element Plus takes the first day from the Day.js locale.
dayjs.extend(updateLocale)
dayjs.updateLocale('en', { weekStart: 1 })

createApp(App).use(ElementPlus).use(router).mount('#app')
