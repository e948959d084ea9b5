import { describe, expect, it, vi } from 'vitest'
import { ApiError, buildQuery, codeForStatus, createApiClient, parseRetryAfter, stripFieldPrefix } from '../src/api/client.js'

const MESSAGES = {
  'errors.validation_failed': 'VALIDATION',
  'errors.shift_full': 'FULL',
  'errors.unauthenticated': 'LOGIN AGAIN',
  'errors.forbidden': 'FORBIDDEN',
  'errors.not_found': 'NOT FOUND',
  'errors.rate_limited': 'SLOW DOWN',
  'errors.rate_limited_wait': 'WAIT {seconds}',
  'errors.unavailable': 'UNAVAILABLE',
  'errors.network': 'NETWORK',
  'errors.unknown': 'FAILED {status}',
}
function translate(key, params = {}) {
  const text = MESSAGES[key]
  if (!text) return null
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name]))
}

function answer(status, body, headers = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
  const type = typeof body === 'object' ? 'application/json' : 'text/plain; charset=utf-8'
  return new Response(status === 204 ? null : text, { status, headers: { 'Content-Type': type, ...headers } })
}

function setup(respond, extra = {}) {
  const calls = []
  const notices = []
  const unauth = vi.fn()
  const client = createApiClient({
    fetch: async (url, init) => {
      calls.push({ url, init })
      return respond(url, init)
    },
    getCsrfToken: () => 'csrf-123',
    getLocale: () => 'zh-CN',
    translate,
    notify: (n) => notices.push(n),
    onUnauthenticated: unauth,
    ...extra,
  })
  return { client, calls, notices, unauth }
}

describe('requests', () => {
  it('sends cookies of the same origin and no bearer token', async () => {
    const { client, calls } = setup(() => answer(200, { ok: true }))
    expect(await client.get('/api/v1/me')).toEqual({ ok: true })
    expect(calls[0].init.credentials).toBe('same-origin')
    expect(calls[0].init.headers.Authorization).toBeUndefined()
    expect(calls[0].init.headers['Accept-Language']).toBe('zh-CN')
  })

  it('adds the CSRF header to every method that changes state, and only to those', async () => {
    const { client, calls } = setup(() => answer(200, {}))
    await client.get('/a')
    await client.post('/a', { x: 1 })
    await client.put('/a', { x: 1 })
    await client.patch('/a', { x: 1 })
    await client.delete('/a')
    const sent = calls.map((c) => [c.init.method, c.init.headers['X-CSRF-Token']])
    expect(sent).toEqual([
      ['GET', undefined],
      ['POST', 'csrf-123'],
      ['PUT', 'csrf-123'],
      ['PATCH', 'csrf-123'],
      ['DELETE', 'csrf-123'],
    ])
  })

  it('sends no CSRF header before a session gave one', async () => {
    const { client, calls } = setup(() => answer(201, {}), { getCsrfToken: () => null })
    await client.post('/api/v1/session', { username: 'a', password: 'b' })
    expect('X-CSRF-Token' in calls[0].init.headers).toBe(false)
  })

  it('encodes objects as JSON and sends files as they are', async () => {
    const { client, calls } = setup(() => answer(200, {}))
    await client.post('/a', { name: '黄贝街道' })
    expect(calls[0].init.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(calls[0].init.body)).toEqual({ name: '黄贝街道' })
    const file = new Blob(['姓名,手机\n'], { type: '' })
    await client.post('/api/v1/members/import', file, { contentType: 'text/csv' })
    expect(calls[1].init.headers['Content-Type']).toBe('text/csv')
    expect(calls[1].init.body).toBe(file)
  })

  it('builds queries from defined values only', async () => {
    expect(buildQuery({ from: '2022-01-01', to: '2022-01-16', street_id: null, q: '', cursor: undefined })).toBe('?from=2022-01-01&to=2022-01-16')
    expect(buildQuery({})).toBe('')
    const { client, calls } = setup(() => answer(200, { items: [], next: null }))
    await client.get('/api/v1/pairings', { query: { date: '2022-01-12' } })
    expect(calls[0].url).toBe('/api/v1/pairings?date=2022-01-12')
  })

  it('passes the idempotency key of a sign-up', async () => {
    const { client, calls } = setup(() => answer(201, { id: 1, status: 'confirmed' }))
    await client.post('/api/v1/shifts/7/signups', { member_id: 3 }, { idempotencyKey: 'k-1' })
    expect(calls[0].init.headers['Idempotency-Key']).toBe('k-1')
  })

  it('returns text answers as text and 204 as null', async () => {
    const { client } = setup((url) => (url.includes('format=text') ? answer(200, '1月1日至16日，…') : answer(204)))
    expect(await client.get('/api/v1/stats/summary', { query: { format: 'text' } })).toBe('1月1日至16日，…')
    expect(await client.delete('/api/v1/signups/1')).toBeNull()
  })
})

describe('errors', () => {
  it('map the code to a translated message and expose the field', async () => {
    const body = { error: { code: 'validation_failed', message: 'phone: not a mainland mobile number', field: 'phone' } }
    const { client, notices } = setup(() => answer(422, body))
    const error = await client.post('/api/v1/members', { phone: '12812345678' }).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(422)
    expect(error.code).toBe('validation_failed')
    expect(error.message).toBe('VALIDATION')
    expect(error.field).toBe('phone')
    expect(error.fieldMessage).toBe('not a mainland mobile number')
    expect(notices).toHaveLength(1)
    expect(notices[0].type).toBe('error')
    expect(notices[0].message).toContain('VALIDATION')
  })

  it('keep specific codes that share a status', async () => {
    const { client } = setup(() => answer(409, { error: { code: 'shift_full', message: 'shift is full' } }))
    const error = await client.post('/api/v1/shifts/1/signups', { member_id: 1 }).catch((e) => e)
    expect(error.code).toBe('shift_full')
    expect(error.message).toBe('FULL')
    expect(error.field).toBeNull()
  })

  it('fall back to the status when the body is not the contract error', async () => {
    const { client } = setup(() => answer(503, '<html>bad gateway</html>'))
    const error = await client.get('/api/v1/stats/summary').catch((e) => e)
    expect(error.code).toBe('unavailable')
    expect(error.message).toBe('UNAVAILABLE')
    expect(codeForStatus(418)).toBe('unknown')
  })

  it('name the status for codes with no translation', async () => {
    const { client } = setup(() => answer(500, { error: { code: 'internal', message: 'boom' } }))
    const error = await client.get('/x').catch((e) => e)
    expect(error.message).toBe('FAILED 500')
  })

  it('show the wait a 429 asks for', async () => {
    const { client, notices } = setup(() => answer(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '42' }))
    const error = await client.post('/api/v1/session', { username: 'a', password: 'b' }).catch((e) => e)
    expect(error.retryAfter).toBe(42)
    expect(error.message).toBe('WAIT 42')
    expect(notices[0].message).toBe('WAIT 42')
  })

  it('read Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('120')).toBe(120)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30)
    expect(parseRetryAfter('soon')).toBeNull()
    expect(parseRetryAfter(null)).toBeNull()
  })

  it('report network failures', async () => {
    const { client, notices } = setup(() => {
      throw new TypeError('Failed to fetch')
    })
    const error = await client.get('/api/v1/mode').catch((e) => e)
    expect(error.code).toBe('network')
    expect(error.status).toBe(0)
    expect(notices[0].message).toBe('NETWORK')
  })

  it('are thrown but not shown when the caller shows them', async () => {
    const { client, notices } = setup(() => answer(403, { error: { code: 'forbidden', message: 'no' } }))
    await expect(client.put('/api/v1/mode', {}, { notify: false })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(client.put('/api/v1/mode', {}, { notify: (e) => e.code !== 'forbidden' })).rejects.toMatchObject({ code: 'forbidden' })
    expect(notices).toHaveLength(0)
  })

  it('strip only the prefix of the named field', () => {
    expect(stripFieldPrefix('shifts[2].site_id: no such site', 'shifts[2].site_id')).toBe('no such site')
    expect(stripFieldPrefix('no such site', 'site_id')).toBe('no such site')
    expect(stripFieldPrefix('', 'x')).toBe('')
  })
})

describe('401', () => {
  it('sends the user to the login page and shows no second message', async () => {
    const { client, unauth, notices } = setup(() => answer(401, { error: { code: 'unauthenticated', message: 'no session' } }))
    const error = await client.get('/api/v1/requests').catch((e) => e)
    expect(error.status).toBe(401)
    expect(unauth).toHaveBeenCalledTimes(1)
    expect(unauth.mock.calls[0][0]).toBe(error)
    expect(notices).toHaveLength(0)
  })

  it('treats a refused CSRF token like a lost session', async () => {
    const body = { error: { code: 'forbidden', message: 'missing or wrong X-CSRF-Token header', field: 'X-CSRF-Token' } }
    const { client, unauth, notices } = setup(() => answer(403, body))
    const error = await client.put('/api/v1/mode', { mode: 'emergency', reason: 'x' }).catch((e) => e)
    expect(unauth).toHaveBeenCalledTimes(1)
    expect(error.code).toBe('forbidden')
    expect(notices).toHaveLength(0)
  })

  it('is left to the caller where it is expected (login, session probe)', async () => {
    const { client, unauth, notices } = setup(() => answer(401, { error: { code: 'unauthenticated', message: 'bad password' } }))
    await expect(client.post('/api/v1/session', { username: 'a', password: 'b' }, { allowUnauthenticated: true, notify: false })).rejects.toMatchObject({ status: 401 })
    expect(unauth).not.toHaveBeenCalled()
    expect(notices).toHaveLength(0)
  })
})
