// Error text in the reader's language.
//
// The server's error bodies carry a machine-readable `reason` (validation errors: "range",
// "id_checksum", ...; see base/error.h) or, without one, only the contract's `code`; their `message`
// is English. This module picks a translated message (locale keys `errors.reasons.*`) from the
// reason, or from the code and the field, and names the field in the reader's language (`fields.*`).
// Some messages carry a figure (the allowed range, a balance, a row): it is read from the server's
// English text by the variant's pattern; where the pattern does not match, a message without the
// figure is used. Only an error whose reason and code are both unknown shows the server's own text.
//
// Pure functions: `tr(key, params)` returns the translated text or null when the key has none.

/** Returns the parts of a field path: "shifts[2].site_id" -> [{name:'shifts', index:2}, {name:'site_id'}]. */
export function fieldPath(field) {
  const parts = []
  for (const piece of String(field || '').split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(piece)
    if (!m) {
      parts.push({ name: piece })
      continue
    }
    const indices = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))
    if (m[1]) parts.push({ name: m[1], index: indices.length ? indices[0] : undefined })
    for (const index of indices.slice(m[1] ? 1 : 0)) parts.push({ name: '', index })
  }
  return parts
}

/** Returns the leaf name of a field path: "shifts[2].ends_at" -> "ends_at", "windows[0]" -> "windows". */
export function fieldLeaf(field) {
  const parts = fieldPath(field).filter((p) => p.name)
  return parts.length ? parts[parts.length - 1].name : ''
}

/** Returns a field's name in the reader's language: "shifts[2].headcount" -> "第 3 个班次 · 人数". */
export function fieldLabel(field, tr) {
  if (!field) return ''
  return fieldPath(field)
    .map(({ name, index }) => {
      if (index === undefined) return tr(`fields.${name}`) || name
      return tr(`fields.item.${name}`, { n: index + 1 }) || `${tr(`fields.${name}`) || name} ${index + 1}`
    })
    .join(' · ')
}

const NUMBER = '(-?[\\d.,]+)'

// For each reason (or, for errors without one, code), the variants tried in order: `re` on the
// server's message (its groups become `params`), or `field` on the field's leaf, or neither (the
// reason's message without figures). `key` defaults to the reason; `label` adds the label of the
// field whose name a group holds (params.other).
const VARIANTS = {
  range: [
    { re: new RegExp(`between ${NUMBER} and ${NUMBER}`), key: 'range_between', params: ['min', 'max'] },
    { re: new RegExp(`greater than ${NUMBER}`), key: 'range_above', params: ['min'] },
    { re: new RegExp(`at most ${NUMBER} yuan`), key: 'range_yuan', params: ['max'] },
    { re: /not be negative/, key: 'range_negative' },
    { key: 'range' },
  ],
  order: [
    { re: /^must be after ([a-z_]+)$/, key: 'order_after', other: true },
    { re: /^must not be before ([a-z_]+)$/, key: 'order_not_before', other: true },
    { re: /^must not be below ([a-z_]+)$/, key: 'order_not_below', other: true },
    { key: 'order' },
  ],
  text_length: [
    { re: /must not be empty/, key: 'text_empty' },
    { re: /at most (\d+) characters/, key: 'text_max', params: ['max'] },
    { key: 'text_length' },
  ],
  name_length: [
    { re: /must not be empty/, key: 'text_empty' },
    { re: /at most (\d+) characters/, key: 'text_max', params: ['max'] },
    { key: 'name_length' },
  ],
  too_long: [
    { re: /at most 24 hours/, key: 'shift_too_long' },
    { re: /at most (\d+) days/, key: 'too_long_days', params: ['max'] },
    { re: /at most (\d+) bytes/, key: 'too_long_bytes', params: ['max'] },
    { re: /at most (\d+) characters/, key: 'text_max', params: ['max'] },
    { key: 'too_long' },
  ],
  length: [{ re: /1 to (\d+) bytes/, key: 'too_long_bytes', params: ['max'] }, { key: 'length' }],
  password_length: [
    { re: /at least (\d+)/, key: 'password_short', params: ['min'] },
    { re: /at most (\d+)/, key: 'password_long', params: ['max'] },
    { key: 'password_length' },
  ],
  too_many: [{ re: /at most (\d+)/, key: 'too_many_max', params: ['max'] }, { key: 'too_many' }],
  future: [{ re: /after today \((\d{4}-\d{2}-\d{2})\)/, key: 'future_today', params: ['date'] }, { key: 'future' }],
  empty: [
    { field: 'shifts', key: 'empty_shifts' },
    { re: /no branches/, key: 'empty_branches' },
    { field: 'member_ids', key: 'empty_members' },
    { key: 'empty' },
  ],
  other_street: [
    { field: 'recipient_community_id', key: 'other_street_community' },
    { key: 'other_street' },
  ],
  no_shift: [
    { re: /^(.+) has no confirmed shift in (.+) that day$/, key: 'no_shift_batch', params: ['name', 'street'] },
    { key: 'no_shift' },
  ],
  over_capacity: [{ re: /capacity of (\d+)/, key: 'over_capacity_max', params: ['max'] }, { key: 'over_capacity' }],
  too_young: [{ re: /at least (\d+)/, key: 'too_young_min', params: ['min'] }, { key: 'too_young' }],
  too_old: [{ re: /at most (\d+)/, key: 'too_old_max', params: ['max'] }, { key: 'too_old' }],
  missing_skill: [{ re: /skill "([^"]+)"/, key: 'missing_skill_named', params: ['skill'] }, { key: 'missing_skill' }],
  daily_hours: [
    { re: /serve ([\d.]+) hours on (\d{4}-\d{2}-\d{2}), more than the daily (\d+)/, key: 'daily_hours_detail', params: ['hours', 'date', 'max'] },
    { key: 'daily_hours' },
  ],
  required: [
    { re: /correction of recorded attendance/, key: 'required_correction' },
    { re: /name the recipient street or community/, key: 'required_recipient' },
    { key: 'required' },
  ],
  full: [{ re: /\((\d+) of \d+ places/, key: 'full_places', params: ['n'] }, { key: 'full' }],
  insufficient_funds: [{ re: /balance of ([\d.,]+) yuan/, key: 'insufficient_funds_balance', params: ['balance'] }, { key: 'insufficient_funds' }],
  pairing_history: [{ re: /began \((\d{4}-\d{2}-\d{2})\)/, key: 'pairing_history_date', params: ['date'] }, { key: 'pairing_history' }],
  pairing_departments: [{ re: /must differ/, key: 'pairing_departments_same' }, { key: 'pairing_departments' }],
  not_paired: [{ re: /on (\d{4}-\d{2}-\d{2})/, key: 'not_paired_date', params: ['date'] }, { key: 'not_paired' }],
  duplicate_row: [{ re: /repeats row (\d+)/, key: 'duplicate_row_n', params: ['row'] }, { key: 'duplicate_row' }],
  inconsistent: [{ re: /differs from row (\d+)/, key: 'inconsistent_row', params: ['row'] }, { key: 'inconsistent' }],
  syntax: [{ re: /^line (\d+):/, key: 'syntax_line', params: ['line'] }, { key: 'syntax' }],
  encoding: [{ re: /^line (\d+):/, key: 'encoding_line', params: ['line'] }, { key: 'encoding' }],
  too_many_rows: [{ re: /holds (\d+) person-times, more than the (\d+)/, key: 'too_many_rows_n', params: ['n', 'max'] }, { key: 'too_many_rows' }],
  too_many_shifts: [{ re: /more than (\d+)/, key: 'too_many_shifts_max', params: ['max'] }, { key: 'too_many_shifts' }],
  too_many_volunteers: [{ re: /more than (\d+)/, key: 'too_many_volunteers_max', params: ['max'] }, { key: 'too_many_volunteers' }],
  // Errors whose body names no reason, told apart by the field they name.
  conflict: [
    { field: 'phone', key: 'conflict_phone' },
    { field: 'id_number', key: 'conflict_id_number' },
    { field: 'username', key: 'conflict_username' },
    { field: 'member_id', key: 'conflict_signed_up' },
    { field: 'Idempotency-Key', key: 'conflict_idempotency' },
    { re: /already been committed/, key: 'conflict_committed' },
    { re: /already open to every unit/, key: 'conflict_escalated' },
    { re: /shift has ended/, key: 'conflict_shift_ended' },
  ],
}

// Returns the params a variant's groups give, with `label` naming the error's field (its leaf: the
// message stands under that field, or after the whole path in a notice).
function paramsOf(variant, match, field, tr) {
  const leaf = fieldLeaf(field)
  const params = { label: tr(`fields.${leaf}`) || leaf }
  if (!match) return params
  ;(variant.params || []).forEach((name, i) => {
    params[name] = match[i + 1]
  })
  if (variant.other) params.other = fieldLabel(match[1], tr)
  if (params.max && /^\d+$/.test(params.max) && variant.key === 'too_long_bytes') params.chars = Math.floor(Number(params.max) / 3)
  return params
}

/**
 * Returns the translated message for an error body's `{code, field, reason}` (message: the server's
 * text with its "field: " prefix removed), or null when neither its reason nor its code and field
 * have one.
 */
export function reasonMessage({ code, field, reason, message }, tr) {
  const text = String(message || '')
  const leaf = fieldLeaf(field)
  for (const name of [reason, code].filter(Boolean)) {
    const variants = VARIANTS[name] || [{ key: name }]
    for (const variant of variants) {
      let match = null
      if (variant.re) {
        match = variant.re.exec(text)
        if (!match) continue
      } else if (variant.field && variant.field !== leaf) continue
      const translated = tr(`errors.reasons.${variant.key || name}`, paramsOf(variant, match, field, tr))
      if (translated) return translated
    }
    // A reason without a translation falls through to the code only when the code has variants.
    if (name === reason && !VARIANTS[code]) break
  }
  return null
}

const CJK = /[\u3400-\u9fff]/

/**
 * Returns what a form shows under the field an error names: the translated message, else the
 * server's text (in Chinese behind a Chinese lead, since the server writes English).
 */
export function fieldErrorText(error, tr, locale) {
  const translated = reasonMessage(error, tr)
  if (translated) return { text: translated, translated: true }
  const text = String(error.message || '')
  if (locale === 'zh-CN' && text && !CJK.test(text)) return { text: tr('errors.fieldInvalid', { reason: text }) || text, translated: false }
  return { text, translated: false }
}
