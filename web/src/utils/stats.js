import { addDays } from './time.js'

/** The counters the statistics endpoints answer, in the order the dashboard shows them. */
export const COUNTERS = ['units', 'branches', 'person_times', 'communities', 'hours', 'members', 'streets', 'party_member_person_times']

/**
 * Rows of /stats/by-day laid on every date of the period, zeros where a day has no row, so the
 * line does not skip days. A row's date is read from `date` (or `day`).
 */
export function fillDays(rows, from, to) {
  const byDate = new Map((rows || []).map((r) => [r.date || r.day, r]))
  const out = []
  for (let d = from, guard = 0; d <= to && guard < 400; d = addDays(d, 1), guard++) {
    const row = byDate.get(d) || {}
    out.push({ date: d, person_times: row.person_times || 0, party_member_person_times: row.party_member_person_times || 0, hours: row.hours || 0 })
  }
  return out
}

/** The name of a by-unit (by-branch, ...) row: `unit_name`, `name`, or "#id". */
export function rowName(row, kind = 'unit') {
  return row[`${kind}_name`] || row.name || (row[`${kind}_id`] != null ? `#${row[`${kind}_id`]}` : row.id != null ? `#${row.id}` : '—')
}

/** The `limit` rows with the most person-times, most first. */
export function topByPersonTimes(rows, limit = 15) {
  return [...(rows || [])].sort((a, b) => (b.person_times || 0) - (a.person_times || 0)).slice(0, limit)
}
