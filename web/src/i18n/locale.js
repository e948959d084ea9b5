export const SUPPORTED_LOCALES = ['zh-CN', 'en']
export const DEFAULT_LOCALE = 'zh-CN'
export const LOCALE_STORAGE_KEY = 'muster.locale'

/** Returns a supported locale for a stored choice: Chinese unless English was chosen. */
export function pickLocale(value) {
  return SUPPORTED_LOCALES.includes(value) ? value : DEFAULT_LOCALE
}
