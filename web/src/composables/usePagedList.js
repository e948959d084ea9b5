import { ref, watch, unref } from 'vue'
import { api } from '../api/index.js'

/**
 * A list read page by page from an endpoint answering {items, next}. `query` may be a ref or a
 * getter; changing it reloads from the first page. `enabled` (getter) holds the load back until
 * the query is complete.
 */
export function usePagedList(path, query = () => ({}), { limit = 50, enabled = () => true, immediate = true } = {}) {
  const items = ref([])
  const next = ref(null)
  const loading = ref(false)
  const failed = ref(false)
  let generation = 0

  function currentQuery() {
    return typeof query === 'function' ? query() : unref(query)
  }

  async function fetchPage(cursor) {
    const mine = ++generation
    loading.value = true
    failed.value = false
    try {
      const page = await api.get(currentPath(), { query: { ...currentQuery(), limit, cursor } })
      if (mine !== generation) return
      items.value = cursor ? [...items.value, ...(page.items || [])] : page.items || []
      next.value = page.next || null
    } catch (error) {
      if (mine === generation) failed.value = true
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  function reload() {
    if (!enabled()) {
      items.value = []
      next.value = null
      return Promise.resolve()
    }
    return fetchPage(null)
  }

  function more() {
    if (next.value && !loading.value) return fetchPage(next.value)
    return Promise.resolve()
  }

  const currentPath = () => (typeof path === 'function' ? path() : path)
  watch(() => currentPath() + JSON.stringify(currentQuery()), () => reload())
  if (immediate) reload()

  return { items, next, loading, failed, reload, more }
}
