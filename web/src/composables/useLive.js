import { onBeforeUnmount, onMounted, ref } from 'vue'
import { listenEvents } from '../api/events.js'

/**
 * Calls `refresh` (debounced by `wait` ms) when one of `names` arrives on the event stream, and
 * exposes the stream's state ('connecting' | 'open' | 'retrying' | 'closed') for a live badge.
 */
export function useLive(names, refresh, wait = 1500) {
  const state = ref('closed')
  let timer = null
  let stop = null
  onMounted(() => {
    stop = listenEvents(
      (name) => {
        if (!names.includes(name)) return
        clearTimeout(timer)
        timer = setTimeout(refresh, wait)
      },
      (s) => (state.value = s),
    )
  })
  onBeforeUnmount(() => {
    clearTimeout(timer)
    if (stop) stop()
  })
  return { state }
}
