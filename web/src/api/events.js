// Live updates from GET /api/v1/events (server-sent events). EventSource reconnects by itself
// after a dropped connection; when the browser gives up (readyState CLOSED, e.g. after a 401 or a
// restart of the server) a new source is opened with a growing delay, up to 30 seconds.

/** Event names the dashboards react to; any other named event is ignored, "message" included. */
export const LIVE_EVENTS = [
  'checkin',
  'checkout',
  'signup',
  'signup_cancelled',
  'shift_updated',
  'request_posted',
  'request_escalated',
  'stats_changed',
  'mode_changed',
  'call_sent',
]

/**
 * Subscribes to the stream. `onEvent(name, data)` gets each named event (data parsed as JSON when
 * it is JSON); `onState(state)` gets 'connecting' | 'open' | 'retrying'. Returns a function that
 * closes the stream.
 */
export function subscribeEvents({ url = '/api/v1/events', onEvent, onState = () => {}, EventSourceImpl = globalThis.EventSource }) {
  let source = null
  let stopped = false
  let delay = 1000
  let timer = null

  const handler = (name) => (event) => {
    let data = event.data
    try {
      data = JSON.parse(event.data)
    } catch {
      // plain text payloads are passed through
    }
    onEvent(name, data)
  }

  function open() {
    if (stopped || !EventSourceImpl) return
    onState('connecting')
    source = new EventSourceImpl(url, { withCredentials: true })
    source.onopen = () => {
      delay = 1000
      onState('open')
    }
    source.onerror = () => {
      if (stopped) return
      if (source.readyState === 2 /* CLOSED */) {
        source.close()
        onState('retrying')
        timer = setTimeout(open, delay)
        delay = Math.min(delay * 2, 30000)
      } else {
        onState('retrying')
      }
    }
    for (const name of LIVE_EVENTS) source.addEventListener(name, handler(name))
    source.addEventListener('message', handler('message'))
  }

  open()
  return () => {
    stopped = true
    clearTimeout(timer)
    if (source) source.close()
  }
}

// One stream per tab, shared by every component that listens (browsers allow few connections
// per host over HTTP/1.1).
const listeners = new Set()
let closeShared = null
const stateListeners = new Set()
let sharedState = 'closed'

/** Listens to the shared stream; returns a function that stops listening. */
export function listenEvents(onEvent, onState) {
  listeners.add(onEvent)
  if (onState) {
    stateListeners.add(onState)
    onState(sharedState)
  }
  if (!closeShared) {
    closeShared = subscribeEvents({
      onEvent: (name, data) => listeners.forEach((fn) => fn(name, data)),
      onState: (state) => {
        sharedState = state
        stateListeners.forEach((fn) => fn(state))
      },
    })
  }
  return () => {
    listeners.delete(onEvent)
    if (onState) stateListeners.delete(onState)
    if (listeners.size === 0 && closeShared) {
      closeShared()
      closeShared = null
      sharedState = 'closed'
    }
  }
}
