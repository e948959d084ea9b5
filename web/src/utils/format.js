/** A count in the reader's locale ("3,256"). */
export function formatNumber(value, locale = 'zh-CN', options = {}) {
  if (value == null || Number.isNaN(Number(value))) return '—'
  return new Intl.NumberFormat(locale, options).format(Number(value))
}

/** Integer fen as yuan ("¥4,590,000.00"). */
export function formatFen(fen, locale = 'zh-CN') {
  if (fen == null) return '—'
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' }).format(Number(fen) / 100)
}

/** Yuan typed by a person ("12.5") as integer fen (1250); null when it is not an amount. */
export function yuanToFen(text) {
  const t = String(text ?? '').trim()
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null
  const [whole, frac = ''] = t.split('.')
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'))
}

/** A share as a percentage ("87%"); '—' when the whole is zero. */
export function formatPercent(part, whole, locale = 'zh-CN') {
  if (!whole) return '—'
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(part / whole)
}

/** A phone kept as the server sent it (masked), or masked here if it came whole: 138****5678. */
export function maskPhone(phone) {
  if (!phone) return ''
  const s = String(phone)
  if (s.includes('*')) return s
  const digits = s.replace(/\D/g, '')
  if (digits.length !== 11) return s
  return `${digits.slice(0, 3)}****${digits.slice(7)}`
}

/** "name" of an object, or "#id" when only the id is known. */
export function nameOr(obj, id) {
  if (obj && obj.name) return obj.name
  return id != null ? `#${id}` : '—'
}
