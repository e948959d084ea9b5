// Dates and times as the city reads them: Asia/Shanghai, whatever the device's own zone.
export const TIME_ZONE = 'Asia/Shanghai'
const OFFSET = '+08:00' // China has no daylight saving time

const cache = new Map()
function formatter(locale, options) {
  const key = locale + JSON.stringify(options)
  if (!cache.has(key)) cache.set(key, new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, ...options }))
  return cache.get(key)
}

function toDate(value) {
  if (value instanceof Date) return value
  if (value == null || value === '') return null
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

/** "2022-01-12 08:30" style date and time in Shanghai, in the reader's locale; '' for no value. */
export function formatDateTime(value, locale = 'zh-CN') {
  const d = toDate(value)
  if (!d) return ''
  return formatter(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d)
}

/** Time of day ("08:30") in Shanghai. */
export function formatTime(value, locale = 'zh-CN') {
  const d = toDate(value)
  if (!d) return ''
  return formatter(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d)
}

/**
 * The end of a time range after its start is shown: its time of day ("12:00"), or with its date
 * ("1月13日 02:00", "Jan 13, 02:00") when it falls on another day in Shanghai than `start`.
 */
export function formatEnd(start, end, locale = 'zh-CN') {
  const s = toDate(start)
  const e = toDate(end)
  if (!e) return ''
  if (!s || shanghaiDate(s) === shanghaiDate(e)) return formatTime(e, locale)
  return formatter(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(e)
}

/** A calendar date in the reader's locale; accepts instants and "YYYY-MM-DD" dates. */
export function formatDate(value, locale = 'zh-CN') {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) value = `${value}T12:00:00${OFFSET}`
  const d = toDate(value)
  if (!d) return ''
  return formatter(locale, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }).format(d)
}

/** "YYYY-MM-DD" of an instant in Shanghai. */
export function shanghaiDate(value = new Date()) {
  const d = toDate(value)
  const parts = Object.fromEntries(formatter('en-US', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}

/** Today's date in Shanghai. */
export function today(now = new Date()) {
  return shanghaiDate(now)
}

/** Adds whole days to a "YYYY-MM-DD" date. */
export function addDays(date, days) {
  const [y, m, d] = date.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d + days))
  return t.toISOString().slice(0, 10)
}

/** "YYYY-MM-DDTHH:mm" in Shanghai of an instant (what datetime-local inputs hold); '' for no value. */
export function wallClock(value) {
  const d = toDate(value)
  if (!d) return ''
  const p = Object.fromEntries(formatter('en-US', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`
}

/** Turns a wall-clock "YYYY-MM-DDTHH:mm[:ss]" in Shanghai into RFC 3339 with +08:00. */
export function shanghaiInstant(wallClock) {
  if (!wallClock) return ''
  const text = wallClock.length === 16 ? `${wallClock}:00` : wallClock
  return `${text}${OFFSET}`
}

/** Hours between two instants, one decimal. */
export function hoursBetween(start, end) {
  const a = toDate(start)
  const b = toDate(end)
  if (!a || !b) return 0
  return Math.round(((b - a) / 3600000) * 10) / 10
}

/** Whole seconds as "m:ss" or "h:mm:ss", for countdowns. */
export function formatCountdown(seconds) {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`
}
