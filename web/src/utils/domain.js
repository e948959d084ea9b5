// Vocabulary of the contract, kept in one place so forms and tables offer the same choices.
export const TASKS = ['checkpoint', 'sampling_assistance', 'data_screening', 'information_entry', 'order_keeping', 'publicity', 'other']
export const STANDING_TASKS = ['epidemic_prevention', 'party_building', 'visits', 'joint_building', 'practical_problems']
export const SITE_KINDS = ['collection_point', 'checkpoint', 'service_point', 'other']
export const REQUEST_STATUSES = ['open', 'filled', 'closed']

/** Confirmed sign-ups over headcount of a shift, capped at 100. */
export function fillPercent(shift) {
  if (!shift || !shift.headcount) return 0
  return Math.min(100, Math.round(((shift.confirmed || 0) / shift.headcount) * 100))
}

/** Totals of a request's shifts: {headcount, confirmed, waiting}. */
export function requestTotals(request) {
  const out = { headcount: 0, confirmed: 0, waiting: 0 }
  for (const s of (request && request.shifts) || []) {
    out.headcount += s.headcount || 0
    out.confirmed += Math.min(s.confirmed || 0, s.headcount || 0)
    out.waiting += s.waiting || 0
  }
  return out
}
