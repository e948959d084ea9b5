import { onBeforeUnmount, onMounted } from 'vue'
import { useModeStore } from '../stores/mode.js'
import { listenEvents } from '../api/events.js'

/** Keeps the mode banner current: loads it, and reloads it on "mode_changed" events. */
export function useLiveMode() {
  const mode = useModeStore()
  let stop = null
  onMounted(() => {
    mode.load().catch(() => {})
    stop = listenEvents((name) => {
      if (name === 'mode_changed') mode.load().catch(() => {})
    })
  })
  onBeforeUnmount(() => stop && stop())
}
