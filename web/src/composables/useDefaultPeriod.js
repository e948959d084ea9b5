import { useSessionStore } from '../stores/session.js'
import { addDays, today } from '../utils/time.js'

/**
 * The period a page of figures opens on: a demo city's played outbreak (GET /api/v1/me says
 * which), otherwise the last `days` days up to today.
 */
export function useDefaultPeriod(days) {
  const session = useSessionStore()
  if (session.demo && session.demo.from && session.demo.to) {
    return { from: session.demo.from, to: session.demo.to }
  }
  return { from: addDays(today(), -(days - 1)), to: today() }
}
