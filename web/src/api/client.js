// The HTTP client every page uses to talk to /api/v1 (see shared/spec/API.md).
//
// It sends the session cookie (credentials 'same-origin', no bearer token is ever stored), adds
// X-CSRF-Token to requests that change state, turns error answers into ApiError values whose
// message is translated from the error code, and reports every failure to the user through
// `notify` unless the caller says it shows the error itself. It is a factory with its collaborators
// passed in, so tests can drive it without a browser.

/** Error codes of the API contract, with the status each one comes with. */
export const ERROR_CODES = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  shift_full: 409,
  schedule_conflict: 409,
  insufficient_funds: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
}

import { fieldErrorText, fieldLabel } from './errorText.js'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Returns the contract's code for a status when an answer carries no error body. */
export function codeForStatus(status) {
  switch (status) {
    case 400: return 'bad_request'
    case 401: return 'unauthenticated'
    case 403: return 'forbidden'
    case 404: return 'not_found'
    case 409: return 'conflict'
    case 413: return 'payload_too_large'
    case 415: return 'unsupported_media_type'
    case 422: return 'validation_failed'
    case 429: return 'rate_limited'
    case 502:
    case 503:
    case 504: return 'unavailable'
    default: return 'unknown'
  }
}

/**
 * Returns the seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or null.
 * `now` is in milliseconds.
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null || value === '') return null
  const text = String(value).trim()
  if (/^\d+$/.test(text)) return Number(text)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - now) / 1000))
}

/**
 * Returns the part of a server message that follows its field prefix: the contract's messages read
 * "phone: not a mainland mobile number" and the form shows the text next to the field already.
 */
export function stripFieldPrefix(message, field) {
  if (!message) return ''
  if (field && message.startsWith(`${field}: `)) return message.slice(field.length + 2)
  return message
}

/**
 * A failed call: HTTP status (0 when the network failed), contract code, translated message; for an
 * error naming a field, the field's name (`fieldLabel`) and what is wrong with it (`fieldMessage`),
 * both in the reader's language where the reason is known (`fieldTranslated`).
 */
export class ApiError extends Error {
  constructor({ status, code, message, field = null, reason = null, serverMessage = '', retryAfter = null, fieldLabel = null, fieldMessage = null, fieldTranslated = false }) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.reason = reason
    this.serverMessage = serverMessage
    this.fieldLabel = fieldLabel || field
    this.fieldMessage = fieldMessage == null ? stripFieldPrefix(serverMessage, field) : fieldMessage
    this.fieldTranslated = fieldTranslated
    this.retryAfter = retryAfter
  }
}

/** Returns "?a=1&b=x" for the defined, non-empty values of `query` ('' when none). */
export function buildQuery(query) {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)))
    else params.append(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

function isBinaryBody(body) {
  return (
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body)
  )
}

/**
 * Creates a client.
 *
 * options:
 *  - fetch: the fetch implementation (default globalThis.fetch)
 *  - base: prefix of every path ('' for same origin)
 *  - getCsrfToken(): the token the session answer gave, or null
 *  - getLocale(): 'zh-CN' or 'en', sent as Accept-Language so the server may localise messages
 *  - translate(key, params): returns the translated text, or null when the key has none
 *  - notify({ type, message, code }): shows a message to the user
 *  - onUnauthenticated(error): called on any 401 (the app goes to the login page)
 */
export function createApiClient(options = {}) {
  const fetchImpl = options.fetch || ((...args) => globalThis.fetch(...args))
  const base = options.base || ''
  const getCsrfToken = options.getCsrfToken || (() => null)
  const getLocale = options.getLocale || (() => 'zh-CN')
  const translate = options.translate || (() => null)
  const notify = options.notify || (() => {})
  const onUnauthenticated = options.onUnauthenticated || (() => {})

  function tr(key, params, fallback) {
    const text = translate(key, params)
    return text == null || text === key ? fallback : text
  }

  // Returns the message shown for an error: the translation of its code, with the wait for 429.
  function messageFor(code, status, retryAfter, serverMessage) {
    if (code === 'rate_limited' && retryAfter != null) {
      return tr('errors.rate_limited_wait', { seconds: retryAfter }, `Too many requests: retry in ${retryAfter} s`)
    }
    const known = tr(`errors.${code}`, {}, null)
    if (known) return known
    return tr('errors.unknown', { status }, serverMessage || `Request failed (${status})`)
  }

  async function errorFromResponse(response) {
    let body = null
    const type = response.headers.get('content-type') || ''
    try {
      body = type.includes('json') ? await response.json() : null
    } catch {
      body = null
    }
    const detail = body && typeof body.error === 'object' && body.error ? body.error : {}
    const code = typeof detail.code === 'string' && detail.code ? detail.code : codeForStatus(response.status)
    const retryAfter = response.status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : null
    const serverMessage = typeof detail.message === 'string' ? detail.message : ''
    const field = typeof detail.field === 'string' && detail.field ? detail.field : null
    const reason = typeof detail.reason === 'string' && detail.reason ? detail.reason : null
    const lookup = (key, params) => {
      const text = translate(key, params)
      return text == null || text === key ? null : text
    }
    const shown = field
      ? fieldErrorText({ code, field, reason, message: stripFieldPrefix(serverMessage, field) }, lookup, getLocale())
      : { text: null, translated: false }
    return new ApiError({
      status: response.status,
      code,
      message: messageFor(code, response.status, retryAfter, serverMessage),
      field,
      reason,
      serverMessage,
      retryAfter,
      fieldLabel: field ? fieldLabel(field, lookup) : null,
      fieldMessage: shown.text,
      fieldTranslated: shown.translated,
    })
  }

  function report(error, opts) {
    // A cookie session whose CSRF token this tab does not hold cannot write: like an expired
    // session, the way on is to log in again (which issues a new token).
    if (error.status === 403 && error.field === 'X-CSRF-Token') {
      error.message = tr('errors.csrf', {}, error.message)
      onUnauthenticated(error)
      return
    }
    if (error.status === 401 && !opts.allowUnauthenticated) {
      onUnauthenticated(error)
      return // the login page says why
    }
    const wanted = typeof opts.notify === 'function' ? opts.notify(error) : opts.notify !== false
    if (!wanted) return
    const detail =
      error.field && error.fieldMessage
        ? tr('errors.withField', { message: error.message, field: error.fieldLabel, detail: error.fieldMessage }, `${error.message} (${error.fieldLabel}: ${error.fieldMessage})`)
        : error.message
    notify({ type: 'error', message: detail, code: error.code })
  }

  /**
   * Sends one request and returns the parsed answer (JSON, text, or null for 204).
   *
   * opts: query, body (object -> JSON; Blob/File/ArrayBuffer sent as is with `contentType`),
   * headers, idempotencyKey, signal, raw (return the Response), notify: false or a predicate on
   * the error (false: the caller shows the error itself; it is thrown either way),
   * allowUnauthenticated (a 401 is expected, e.g. login: no redirect to the login page).
   */
  async function request(method, path, opts = {}) {
    const upper = method.toUpperCase()
    const headers = { Accept: 'application/json', 'Accept-Language': getLocale(), ...(opts.headers || {}) }
    let body
    if (opts.body !== undefined && opts.body !== null) {
      if (isBinaryBody(opts.body)) {
        body = opts.body
        headers['Content-Type'] = opts.contentType || opts.body.type || 'application/octet-stream'
      } else if (typeof opts.body === 'string') {
        body = opts.body
        headers['Content-Type'] = opts.contentType || 'text/plain; charset=utf-8'
      } else {
        body = JSON.stringify(opts.body)
        headers['Content-Type'] = 'application/json'
      }
    }
    if (STATE_CHANGING.has(upper)) {
      const token = getCsrfToken()
      if (token) headers['X-CSRF-Token'] = token
    }
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey

    let response
    try {
      response = await fetchImpl(base + path + buildQuery(opts.query), {
        method: upper,
        headers,
        body,
        credentials: 'same-origin',
        signal: opts.signal,
      })
    } catch (cause) {
      if (cause && cause.name === 'AbortError') throw cause
      const error = new ApiError({ status: 0, code: 'network', message: tr('errors.network', {}, 'Network error') })
      report(error, opts)
      throw error
    }

    if (!response.ok) {
      const error = await errorFromResponse(response)
      report(error, opts)
      throw error
    }
    if (opts.raw) return response
    if (response.status === 204) return null
    const type = response.headers.get('content-type') || ''
    if (type.includes('json')) {
      try {
        return await response.json()
      } catch {
        const error = new ApiError({ status: response.status, code: 'bad_answer', message: tr('errors.bad_answer', {}, 'Unreadable answer') })
        report(error, opts)
        throw error
      }
    }
    return await response.text()
  }

  return {
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
    put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
    patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
    delete: (path, opts) => request('DELETE', path, opts),
  }
}

/** Returns a fresh key for Idempotency-Key headers. */
export function newIdempotencyKey() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID()
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
