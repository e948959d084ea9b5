import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/dist/index.css'
import './styles/main.css'
import App from './App.vue'
import { i18n, currentLocale } from './i18n/index.js'
import { router } from './router/index.js'
import { registerElement } from './plugins/element.js'

document.documentElement.lang = currentLocale()

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)
registerElement(app)
app.config.errorHandler = (error, _instance, info) => {
  // ApiErrors were already shown to the user; anything else is a bug worth a console line.
  if (error && error.name === 'ApiError') return
  console.error('[muster]', info, error)
}
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason && event.reason.name === 'ApiError') event.preventDefault()
})
app.mount('#app')
