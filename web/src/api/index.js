// The application's client instance: translated messages through vue-i18n, notices through
// Element Plus, and the CSRF token kept for the tab (sessionStorage) so a reload keeps working.
import { ElMessage } from '../ui/element.js'
import { createApiClient } from './client.js'
import { i18n } from '../i18n/index.js'

const CSRF_KEY = 'muster.csrf'
let csrfToken = null
let unauthenticatedHandler = () => {}
let lastNotice = { text: '', at: 0 }

function storage() {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}

/** Keeps the token the session answer (or GET /me) gave; null forgets it. */
export function setCsrfToken(token) {
  csrfToken = token || null
  const s = storage()
  if (!s) return
  if (csrfToken) s.setItem(CSRF_KEY, csrfToken)
  else s.removeItem(CSRF_KEY)
}

export function getCsrfToken() {
  if (csrfToken) return csrfToken
  const s = storage()
  csrfToken = s ? s.getItem(CSRF_KEY) : null
  return csrfToken
}

/** Sets what happens on a 401 (the router sends the user to the login page). */
export function onUnauthenticated(handler) {
  unauthenticatedHandler = handler
}

function translate(key, params) {
  return i18n.global.te(key) ? i18n.global.t(key, params || {}) : null
}

function notify({ type, message }) {
  // The same notice twice within a second (parallel calls failing together) is shown once.
  const now = Date.now()
  if (lastNotice.text === message && now - lastNotice.at < 1000) return
  lastNotice = { text: message, at: now }
  ElMessage({ type, message, showClose: true, duration: type === 'error' ? 6000 : 3000, grouping: true })
}

export const api = createApiClient({
  getCsrfToken,
  getLocale: () => i18n.global.locale.value,
  translate,
  notify,
  onUnauthenticated: (error) => unauthenticatedHandler(error),
})

/** Collects every page of a list (`{items, next}`), up to `max` items. */
export async function listAll(path, query = {}, max = 5000) {
  const items = []
  let cursor = null
  do {
    const page = await api.get(path, { query: { ...query, limit: 500, cursor } })
    items.push(...(page.items || []))
    cursor = page.next
  } while (cursor && items.length < max)
  return items
}
