// Languages: Simplified Chinese by default, English on request; the choice is remembered in
// localStorage. Messages live in src/locales/*.json and are compiled at build time.
import { createI18n } from 'vue-i18n'
import { ref } from 'vue'
import zhCN from '../locales/zh-CN.json'
import en from '../locales/en.json'
import elZhCn from 'element-plus/es/locale/lang/zh-cn.mjs'
import elEn from 'element-plus/es/locale/lang/en.mjs'
import { pickLocale, LOCALE_STORAGE_KEY } from './locale.js'

export { SUPPORTED_LOCALES, DEFAULT_LOCALE } from './locale.js'

function storedLocale() {
  try {
    return window.localStorage.getItem(LOCALE_STORAGE_KEY)
  } catch {
    return null
  }
}

const initial = pickLocale(typeof window === 'undefined' ? null : storedLocale())

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: initial,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
})

const elementLocales = { 'zh-CN': elZhCn, en: elEn }

/** The Element Plus locale of the current language (for <el-config-provider>). */
export const elementLocale = ref(elementLocales[initial])

/** Switches the language of the whole interface and remembers it. */
export function setLocale(locale) {
  const next = pickLocale(locale)
  i18n.global.locale.value = next
  elementLocale.value = elementLocales[next]
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, next)
  } catch {
    // private browsing: the choice lasts for this page only
  }
  document.documentElement.lang = next
}

export function currentLocale() {
  return i18n.global.locale.value
}
