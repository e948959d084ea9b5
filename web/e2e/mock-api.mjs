// A stand-in for the API of shared/spec/API.md, with a small fixed city, so the interface can be
// driven and photographed before (or without) the real server. It follows the contract's shapes:
// {items, next} lists, {error: {code, message, field}} errors, a session cookie plus a CSRF token
// that every cookie request changing state must echo in X-CSRF-Token.
//
// Accounts (any password but "wrong"): admin (city_admin), unit (unit_admin of unit 1), branch
// (branch_secretary of branch 1), street (street_coordinator of street 1), community
// (community_coordinator of community 11), volunteer (member 101); logging in as "hammer" answers
// 429 with Retry-After: 30.
//
// Run alone: node e2e/mock-api.mjs [port]   (then MUSTER_API=http://127.0.0.1:PORT npm run dev)
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const OFFSET = '+08:00'

function shanghaiToday() {
  // formatToParts: the plain format of a locale differs between ICU versions.
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}`
}
function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

/** Builds the fixed city; dates are laid around today so "the last 7 days" has data. */
export function buildFixtures() {
  const today = shanghaiToday()
  const districts = [{ id: 1, name: '罗湖区' }, { id: 2, name: '福田区' }, { id: 3, name: '大鹏新区' }]
  const streets = [
    { id: 1, district_id: 1, name: '黄贝街道', kind: 'street' },
    { id: 2, district_id: 2, name: '华富街道', kind: 'street' },
    { id: 3, district_id: 2, name: '招商街道', kind: 'street' },
    { id: 4, district_id: 3, name: '大鹏街道', kind: 'street' },
  ]
  const communities = [
    { id: 11, street_id: 1, name: '黄贝岭社区', kind: 'community' },
    { id: 12, street_id: 1, name: '新兴社区', kind: 'community' },
    { id: 13, street_id: 1, name: '新谊社区', kind: 'community' },
    { id: 14, street_id: 1, name: '凤凰社区', kind: 'community' },
    { id: 21, street_id: 2, name: '莲花一村社区', kind: 'community' },
    { id: 22, street_id: 2, name: '田面社区', kind: 'community' },
    { id: 41, street_id: 4, name: '王母社区', kind: 'community' },
  ]
  const sites = [
    { id: 1, community_id: 11, name: '黄贝岭村采样点', kind: 'collection_point', lat: 22.5445, lon: 114.1389, risk: 'high' },
    { id: 2, community_id: 12, name: '新兴广场卡口', kind: 'checkpoint', lat: 22.5482, lon: 114.1412, risk: 'normal' },
    { id: 3, community_id: 14, name: '凤凰社区服务点', kind: 'service_point', lat: 22.5501, lon: 114.1365, risk: 'normal' },
  ]
  const units = [
    { id: 1, name: '市委党校', kind: 'agency' },
    { id: 2, name: '市教育局', kind: 'agency' },
    { id: 3, name: '市检察院', kind: 'agency' },
    { id: 4, name: '市乡村振兴和协作交流局', kind: 'agency' },
    { id: 5, name: '深圳国际仲裁院', kind: 'agency' },
    { id: 6, name: '市投资控股公司', kind: 'company' },
  ]
  const departments = [
    { id: 101, unit_id: 1, name: '教务处' },
    { id: 102, unit_id: 1, name: '科研处' },
    { id: 103, unit_id: 1, name: '办公室' },
    { id: 201, unit_id: 2, name: '基础教育处' },
    { id: 301, unit_id: 3, name: '第一检察部' },
  ]
  const branches = [
    { id: 1, unit_id: 1, name: '机关第一党支部' },
    { id: 2, unit_id: 1, name: '教研第二党支部' },
    { id: 3, unit_id: 1, name: '行政党支部' },
    { id: 4, unit_id: 2, name: '机关党支部' },
  ]
  const members = [
    { id: 101, name: '廖雪', phone: '138****5678', unit_id: 1, department_id: 101, branch_id: 1, party_member: true, id_number: '4403**********0021', skills: ['信息录入'] },
    { id: 102, name: '丁有波', phone: '139****1234', unit_id: 1, department_id: 103, branch_id: 1, party_member: true, id_number: '', skills: ['组织协调'] },
    { id: 103, name: '张明', phone: '137****0001', unit_id: 1, department_id: 102, branch_id: 2, party_member: true, id_number: '', skills: ['秩序维护', '宣传'] },
    { id: 104, name: '李华', phone: '136****8899', unit_id: 1, branch_id: 2, party_member: false, id_number: '', skills: [], brought_by: 102 },
    { id: 105, name: '陈静', phone: '135****4321', unit_id: 1, department_id: 101, branch_id: 3, party_member: true, id_number: '', skills: ['核酸采样'] },
  ]
  const pairings = [
    { kind: 'street', street_id: 1, street_name: '黄贝街道', unit_id: 1, unit_name: '市委党校', from: '2020-06-01', to: null },
    { kind: 'street', street_id: 2, street_name: '华富街道', unit_id: 3, unit_name: '市检察院', from: '2020-06-01', to: null },
    { kind: 'street', street_id: 3, street_name: '招商街道', unit_id: 5, unit_name: '深圳国际仲裁院', from: '2020-06-01', to: null },
    { kind: 'street', street_id: 4, street_name: '大鹏街道', unit_id: 4, unit_name: '市乡村振兴和协作交流局', from: '2021-03-01', to: null },
    { kind: 'community', street_id: 1, community_id: 11, community_name: '黄贝岭社区', departments: [{ id: 101, name: '教务处', unit_name: '市委党校' }], from: '2020-06-01' },
    { kind: 'community', street_id: 1, community_id: 12, community_name: '新兴社区', departments: [{ id: 102, name: '科研处', unit_name: '市委党校' }, { id: 103, name: '办公室', unit_name: '市委党校' }], from: '2020-06-01' },
    { kind: 'community', street_id: 1, community_id: 13, community_name: '新谊社区', departments: [{ id: 103, name: '办公室', unit_name: '市委党校' }], from: '2020-06-01' },
    { kind: 'community', street_id: 1, community_id: 14, community_name: '凤凰社区', departments: [{ id: 101, name: '教务处', unit_name: '市委党校' }], from: '2020-06-01' },
    { kind: 'community', street_id: 2, community_id: 21, community_name: '莲花一村社区', departments: [{ id: 301, name: '第一检察部', unit_name: '市检察院' }], from: '2020-06-01' },
  ]
  const at = (dayOffset, hh, mm = 0) => `${addDays(today, dayOffset)}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00${OFFSET}`
  const shifts = [
    { id: 1, request_id: 1, site_id: 1, site_name: '黄贝岭村采样点', community_name: '黄贝岭社区', task: 'sampling_assistance', starts_at: at(0, 8), ends_at: at(0, 12), headcount: 12, confirmed: 12, waiting: 2, risk: 'high', skills: [] },
    { id: 2, request_id: 1, site_id: 2, site_name: '新兴广场卡口', community_name: '新兴社区', task: 'checkpoint', starts_at: at(0, 18), ends_at: at(0, 22), headcount: 8, confirmed: 5, waiting: 0, risk: 'normal', skills: [] },
    { id: 3, request_id: 2, site_id: 3, site_name: '凤凰社区服务点', community_name: '凤凰社区', task: 'data_screening', starts_at: at(1, 9), ends_at: at(1, 17), headcount: 6, confirmed: 2, waiting: 0, risk: 'normal', skills: ['信息录入'] },
    { id: 4, request_id: 2, site_id: 3, site_name: '凤凰社区服务点', community_name: '凤凰社区', task: 'order_keeping', starts_at: at(2, 8), ends_at: at(2, 12), headcount: 4, confirmed: 0, waiting: 0, risk: 'normal', skills: [] },
    // A night shift: it ends after midnight, on the next day.
    { id: 5, request_id: 2, site_id: 3, site_name: '凤凰社区服务点', community_name: '凤凰社区', task: 'checkpoint', starts_at: at(2, 22), ends_at: at(3, 2), headcount: 2, confirmed: 0, waiting: 0, risk: 'normal', skills: [] },
  ]
  const requests = [
    { id: 1, street_id: 1, community_id: 11, note: '黄贝岭、新兴社区核酸采样人手不足', urgent: true, status: 'open', escalated: false, created_at: at(-1, 22), escalates_at: at(-1, 22, 30), routed_to: { unit_id: 1, department_ids: [101, 102] } },
    { id: 2, street_id: 1, community_id: 14, note: '凤凰社区数据排查', urgent: false, status: 'open', escalated: false, created_at: at(0, 7), escalates_at: at(1, 7), routed_to: { unit_id: 1, department_ids: [101] } },
  ]
  const counts = [18, 26, 34, 41, 38, 29, 33]
  const byDay = counts.map((n, i) => ({ date: addDays(today, i - 6), person_times: n, party_member_person_times: Math.round(n * 0.86), hours: n * 4, units: 4 + (i % 3), branches: 9 + i, members: n - 3, streets: 3, communities: 5 + (i % 4) }))
  const byUnit = [
    { unit_id: 1, unit_name: '市委党校', person_times: 111, party_member_person_times: 104, hours: 430, branches: 3, members: 34, communities: 4, streets: 1 },
    { unit_id: 3, unit_name: '市检察院', person_times: 62, party_member_person_times: 62, hours: 236, branches: 2, members: 62, communities: 8, streets: 1 },
    { unit_id: 2, unit_name: '市教育局', person_times: 48, party_member_person_times: 40, hours: 180, branches: 4, members: 30, communities: 11, streets: 2 },
    { unit_id: 4, unit_name: '市乡村振兴和协作交流局', person_times: 9, party_member_person_times: 9, hours: 30, branches: 1, members: 7, communities: 2, streets: 1 },
    { unit_id: 5, unit_name: '深圳国际仲裁院', person_times: 6, party_member_person_times: 4, hours: 24, branches: 1, members: 4, communities: 1, streets: 1 },
  ]
  const byBranch = [
    { branch_id: 1, branch_name: '机关第一党支部', person_times: 52, members: 15 },
    { branch_id: 2, branch_name: '教研第二党支部', person_times: 38, members: 12 },
    { branch_id: 3, branch_name: '行政党支部', person_times: 21, members: 7 },
  ]
  const supervision = [
    { unit_id: 1, unit_name: '市委党校', routed: 6, filled_by_own: 6, median_minutes_to_fill: 95, person_times: 111, members: 60, members_served: 34 },
    { unit_id: 2, unit_name: '市教育局', routed: 9, filled_by_own: 7, median_minutes_to_fill: 140, person_times: 48, members: 80, members_served: 30 },
    { unit_id: 3, unit_name: '市检察院', routed: 5, filled_by_own: 5, median_minutes_to_fill: 60, person_times: 62, members: 90, members_served: 62 },
    { unit_id: 4, unit_name: '市乡村振兴和协作交流局', routed: 4, filled_by_own: 1, median_minutes_to_fill: 300, person_times: 9, members: 40, members_served: 7 },
    { unit_id: 6, unit_name: '市投资控股公司', routed: 3, filled_by_own: 0, median_minutes_to_fill: null, person_times: 0, members: 120, members_served: 0 },
  ]
  return { today, districts, streets, communities, sites, units, departments, branches, members, pairings, shifts, requests, byDay, byUnit, byBranch, supervision, mode: { mode: 'emergency', since: at(-10, 22), reason: '“0107”疫情防控' }, signups: [], activities: [{ id: 900, community_id: 12, department_id: 102, task: 'visits', date: addDays(today, -3), member_ids: [101, 102, 103], summary: '走访慰问新兴社区困难党员 6 户' }, { id: 901, community_id: 11, department_id: 101, task: 'joint_building', date: addDays(today, -9), member_ids: [105], summary: '与黄贝岭社区党委开展结对共建' }], nextId: 1000 }
}

const ACCOUNTS = {
  admin: { id: 1, username: 'admin', role: 'city_admin', scope_id: null },
  unit: { id: 2, username: 'unit', role: 'unit_admin', scope_id: 1 },
  branch: { id: 3, username: 'branch', role: 'branch_secretary', scope_id: 1 },
  street: { id: 4, username: 'street', role: 'street_coordinator', scope_id: 1 },
  community: { id: 5, username: 'community', role: 'community_coordinator', scope_id: 11 },
  volunteer: { id: 6, username: 'volunteer', role: 'volunteer', scope_id: 101 },
  // The same volunteer in a demo city: GET /me says so, as the server does for `muster demo`.
  demo: { id: 7, username: 'demo', role: 'volunteer', scope_id: 101 },
}
const DEMO = { label: 'synthetic', from: '2022-01-01', to: '2022-01-16' }

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'Cache-Control': 'no-store', ...headers })
  res.end(text)
}
function fail(res, status, code, message, field, reason) {
  send(res, status, { error: { code, message, ...(field ? { field } : {}), ...(reason ? { reason } : {}) } })
}
function list(items) {
  return { items, next: null }
}

/** Starts the stand-in on 127.0.0.1:`port` (0 picks one); resolves to {url, close, state}. */
export function startMockApi(port = 0) {
  const state = buildFixtures()
  const sessions = new Map() // cookie value -> {user, csrf}
  const streams = new Set()

  function session(req) {
    const cookie = /(?:^|;\s*)muster_session=([^;]+)/.exec(req.headers.cookie || '')
    return cookie ? sessions.get(cookie[1]) : null
  }

  async function readBody(req) {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const raw = Buffer.concat(chunks)
    if (!raw.length) return {}
    if (!(req.headers['content-type'] || '').includes('json')) return raw
    try {
      return JSON.parse(raw.toString('utf8'))
    } catch {
      return Symbol.for('malformed')
    }
  }

  function broadcast(event, data) {
    for (const res of streams) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x')
    const path = url.pathname
    const q = Object.fromEntries(url.searchParams)
    const method = req.method
    if (path === '/healthz') return send(res, 200, { status: 'ok' })
    if (!path.startsWith('/api/v1/')) return fail(res, 404, 'not_found', 'no such route')
    const body = method === 'GET' || method === 'DELETE' ? {} : await readBody(req)
    if (body === Symbol.for('malformed')) return fail(res, 400, 'bad_request', 'malformed JSON')

    if (path === '/api/v1/session' && method === 'POST') {
      if (body.username === 'hammer') return send(res, 429, { error: { code: 'rate_limited', message: 'too many login attempts' } }, { 'Retry-After': '30' })
      const user = ACCOUNTS[body.username]
      if (!body.username) return fail(res, 422, 'validation_failed', 'username: is required', 'username', 'required')
      if (!user || body.password === 'wrong') return fail(res, 401, 'unauthenticated', 'wrong username or password', 'password', 'login')
      const token = randomBytes(16).toString('hex')
      const csrf = randomBytes(16).toString('hex')
      sessions.set(token, { user, csrf })
      return send(res, 201, { token, csrf_token: csrf, user }, { 'Set-Cookie': `muster_session=${token}; HttpOnly; SameSite=Strict; Path=/` })
    }
    const s = session(req)
    if (!s) return fail(res, 401, 'unauthenticated', 'no session')
    if (method !== 'GET' && req.headers['x-csrf-token'] !== s.csrf) return fail(res, 403, 'forbidden', 'missing or wrong X-CSRF-Token header', 'X-CSRF-Token')
    const { user } = s
    const scoped = (rows, key, value) => rows.filter((r) => value == null || value === '' || String(r[key]) === String(value))

    if (path === '/api/v1/session' && method === 'DELETE') {
      sessions.forEach((v, k) => v === s && sessions.delete(k))
      return send(res, 200, {}, { 'Set-Cookie': 'muster_session=; Max-Age=0; Path=/' })
    }
    // Like the server today, /me does not repeat the CSRF token.
    if (path === '/api/v1/me') return send(res, 200, user.username === 'demo' ? { ...user, demo: DEMO } : user)
    if (path === '/api/v1/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
      res.write(': connected\n\n')
      streams.add(res)
      req.on('close', () => streams.delete(res))
      return
    }
    if (path === '/api/v1/mode') {
      if (method === 'PUT') {
        if (user.role !== 'city_admin') return fail(res, 403, 'forbidden', 'city administrators only')
        if (!['routine', 'emergency'].includes(body.mode)) return fail(res, 422, 'validation_failed', 'mode: routine or emergency', 'mode')
        if (!body.reason) return fail(res, 422, 'validation_failed', 'reason: is required', 'reason', 'required')
        state.mode = { mode: body.mode, since: new Date().toISOString(), reason: body.reason }
        broadcast('mode_changed', state.mode)
      }
      return send(res, 200, state.mode)
    }
    if (method === 'GET') {
      switch (path) {
        case '/api/v1/districts': return send(res, 200, list(state.districts))
        case '/api/v1/streets': return send(res, 200, list(scoped(state.streets, 'district_id', q.district_id)))
        case '/api/v1/communities': return send(res, 200, list(scoped(scoped(state.communities, 'street_id', q.street_id), 'district_id', undefined)))
        case '/api/v1/sites': {
          let rows = state.sites
          if (q.community_id) rows = scoped(rows, 'community_id', q.community_id)
          if (q.street_id) rows = rows.filter((x) => state.communities.find((c) => c.id === x.community_id)?.street_id === Number(q.street_id))
          return send(res, 200, list(rows.map((x) => ({ ...x, community_name: state.communities.find((c) => c.id === x.community_id)?.name }))))
        }
        case '/api/v1/units': return send(res, 200, list(user.role === 'unit_admin' ? state.units.filter((u) => u.id === user.scope_id) : state.units))
        case '/api/v1/departments': return send(res, 200, list(scoped(state.departments, 'unit_id', q.unit_id)))
        case '/api/v1/branches': return send(res, 200, list(scoped(state.branches, 'unit_id', q.unit_id)))
        case '/api/v1/members': {
          let rows = scoped(scoped(state.members, 'unit_id', q.unit_id), 'branch_id', q.branch_id)
          if (q.q) rows = rows.filter((m) => m.name.includes(q.q))
          return send(res, 200, list(rows))
        }
        case '/api/v1/pairings':
          // The server's shape: one table of the pairings in force on the date, ids only.
          return send(res, 200, {
            date: q.date || state.today,
            streets: state.pairings.filter((p) => p.kind === 'street').map((p) => ({ street_id: p.street_id, unit_id: p.unit_id, from: p.from, to: p.to })),
            communities: state.pairings.filter((p) => p.kind === 'community').map((p) => ({ community_id: p.community_id, department_ids: p.departments.map((d) => d.id), from: p.from, to: null })),
          })
        case '/api/v1/requests': {
          let rows = state.requests.filter((r) => (q.status ? r.status === q.status : true))
          rows = scoped(scoped(rows, 'street_id', q.street_id), 'community_id', undefined)
          return send(res, 200, list(rows.map((r) => ({ ...r, shifts: state.shifts.filter((x) => x.request_id === r.id) }))))
        }
        case '/api/v1/shifts': {
          const mine = (id) => state.signups.find((x) => x.shift_id === id && x.member_id === user.scope_id && x.status !== 'cancelled')
          return send(res, 200, list(state.shifts.map((x) => ({ ...x, my_signup: user.role === 'volunteer' && mine(x.id) ? { id: mine(x.id).id, status: mine(x.id).status } : null }))))
        }
        case '/api/v1/stats/summary': {
          if (!q.from || !q.to) return fail(res, 400, 'bad_request', 'from and to are required', q.from ? 'to' : 'from')
          if (q.format === 'text') {
            return send(res, 200, q.lang === 'en'
              ? `From ${q.from} to ${q.to}, 5 city units and 11 party branches sent 219 person-times of members to serve in 17 paired communities.`
              : `${q.from}至${q.to}，全市5个市直单位11个党支部派出219人次党员干部，“下沉”17个挂点社区协助疫情防控。`)
          }
          return send(res, 200, { units: 5, branches: 11, members: 137, person_times: 219, party_member_person_times: 188, hours: 876, streets: 4, communities: 17, requests: { shifts: 14, headcount: 120, filled: 97 } })
        }
        case '/api/v1/stats/by-day': return send(res, 200, list(state.byDay))
        case '/api/v1/stats/by-unit': return send(res, 200, list(state.byUnit))
        case '/api/v1/stats/by-branch': return send(res, 200, list(state.byBranch))
        case '/api/v1/stats/by-street': return send(res, 200, list([{ street_id: 1, street_name: '黄贝街道', person_times: 34, units: 2, hours: 120 }]))
        case '/api/v1/stats/by-community': return send(res, 200, list([{ community_id: 11, community_name: '黄贝岭社区', person_times: 12, units: 1, hours: 48 }]))
        case '/api/v1/supervision': return send(res, 200, list(state.supervision))
        case '/api/v1/activities': return send(res, 200, list(scoped(state.activities, 'community_id', q.community_id)))
        default: break
      }
      const code = /^\/api\/v1\/sites\/(\d+)\/checkin-code(\.svg)?$/.exec(path)
      if (code) {
        if (code[2]) {
          res.writeHead(200, { 'Content-Type': 'image/svg+xml' })
          return res.end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><rect width="29" height="29" fill="#fff"/><path d="M1 1h7v7H1zM21 1h7v7h-7zM1 21h7v7H1z" fill="none" stroke="#000" stroke-width="1"/><path d="M3 3h3v3H3zM23 3h3v3h-3zM3 23h3v3H3zM10 2h2v2h-2zM14 4h2v2h-2zM10 10h3v3h-3zM16 12h2v4h-2zM20 16h4v2h-4zM12 20h2v5h-2zM18 22h3v3h-3zM24 24h3v2h-3z"/></svg>')
        }
        return send(res, 200, { token: 'mock-token', url: `/checkin?token=mock-${code[1]}`, expires_at: new Date(Date.now() + 15 * 60000).toISOString() })
      }
      const unit = /^\/api\/v1\/units\/(\d+)$/.exec(path)
      if (unit) {
        const row = state.units.find((u) => u.id === Number(unit[1]))
        return row ? send(res, 200, row) : fail(res, 404, 'not_found', `no unit with id ${unit[1]}`)
      }
      const schedule = /^\/api\/v1\/members\/(\d+)\/schedule$/.exec(path)
      if (schedule) {
        const member = Number(schedule[1])
        const held = state.signups.filter((x) => x.member_id === member && x.status !== 'cancelled')
        return send(res, 200, list(held.map((x) => ({ ...state.shifts.find((sh) => sh.id === x.shift_id), my_signup: { id: x.id, status: x.status } })).filter((x) => x.id)))
      }
      const roster = /^\/api\/v1\/shifts\/(\d+)\/roster$/.exec(path)
      if (roster) {
        const rows = state.signups.filter((x) => x.shift_id === Number(roster[1]) && x.status !== 'cancelled')
        return send(res, 200, list(rows.map((x) => {
          const m = state.members.find((mm) => mm.id === x.member_id) || {}
          return { signup_id: x.id, member_id: x.member_id, name: m.name || `#${x.member_id}`, phone: m.phone ? `${m.phone.slice(0, 3)}****${m.phone.slice(7)}` : '', status: x.status, attendance_id: null, checked_in_at: null, checked_out_at: null }
        })))
      }
      const call = /^\/api\/v1\/calls\/(\d+)$/.exec(path)
      if (call) return send(res, 200, { id: Number(call[1]), request_id: 1, recipients: 34, signed_up_by_branch: [{ branch_id: 1, count: 6 }, { branch_id: 2, count: 3 }] })
      return fail(res, 404, 'not_found', 'not found')
    }

    // Writes.
    const created = (extra) => send(res, 201, { id: ++state.nextId, ...extra })
    if (method === 'POST' && path === '/api/v1/members') {
      if (!/^1[3-9]\d{9}$/.test(String(body.phone || '').replace(/[\s-]/g, ''))) return fail(res, 422, 'validation_failed', 'phone: a mainland mobile number starts with 13 to 19', 'phone', 'mobile_prefix')
      const m = { id: ++state.nextId, ...body, phone: `${String(body.phone).slice(0, 3)}****${String(body.phone).slice(-4)}` }
      state.members.push(m)
      return send(res, 201, m)
    }
    const reveal = /^\/api\/v1\/members\/(\d+)\/reveal$/.exec(path)
    if (method === 'POST' && reveal) return send(res, 200, { id: Number(reveal[1]), phone: '13812345678', id_number: '11010519491231002X' })
    if (method === 'POST' && path === '/api/v1/activities') {
      if (!body.summary) return fail(res, 422, 'validation_failed', 'summary: 1-500 characters', 'summary')
      const row = { id: ++state.nextId, ...body }
      state.activities.push(row)
      return send(res, 201, row)
    }
    if (method === 'POST' && path === '/api/v1/members/import') {
      return send(res, 200, { imported: 0, rejected: [{ row: 3, field: 'phone', message: 'not a mainland mobile number' }, { row: 7, field: 'id_number', message: 'check character does not match' }, { row: 9, field: 'branch', message: 'no such branch in this unit' }] })
    }
    if (method === 'POST' && ['/api/v1/districts', '/api/v1/streets', '/api/v1/communities', '/api/v1/sites', '/api/v1/units', '/api/v1/departments', '/api/v1/branches'].includes(path)) {
      if (!body.name) return fail(res, 422, 'validation_failed', 'name: 1-64 characters', 'name')
      const key = path.split('/').pop()
      const row = { id: ++state.nextId, ...body }
      state[key].push(row)
      return send(res, 201, row)
    }
    if (method === 'POST' && path === '/api/v1/users') return created({ username: body.username, role: body.role, scope_id: body.scope_id ?? null })
    if (method === 'POST' && path === '/api/v1/requests') {
      const bad = (body.shifts || []).findIndex((x) => !(x.headcount >= 1 && x.headcount <= 10000))
      if (bad >= 0) return fail(res, 422, 'validation_failed', `shifts[${bad}].headcount: must be between 1 and 10000`, `shifts[${bad}].headcount`, 'range')
      const id = ++state.nextId
      broadcast('request_posted', { id })
      return send(res, 201, { id, ...body, shifts: (body.shifts || []).map((x, i) => ({ id: id * 10 + i, ...x })), routed_to: { unit_id: 1, department_ids: [101] }, escalates_at: new Date(Date.now() + 3600000).toISOString() })
    }
    if (method === 'POST' && /^\/api\/v1\/requests\/\d+\/escalate$/.test(path)) return send(res, 200, {})
    if (method === 'POST' && path === '/api/v1/calls') return created({ recipients: 34 })
    const signup = /^\/api\/v1\/shifts\/(\d+)\/signups$/.exec(path)
    if (method === 'POST' && signup) {
      const shift = state.shifts.find((x) => x.id === Number(signup[1]))
      if (!shift) return fail(res, 404, 'not_found', 'no such shift')
      if (shift.confirmed >= shift.headcount && !body.waitlist) return fail(res, 409, 'shift_full', 'shift is full')
      const status = shift.confirmed >= shift.headcount ? 'waiting' : 'confirmed'
      if (status === 'confirmed') shift.confirmed += 1
      else shift.waiting += 1
      const row = { id: ++state.nextId, shift_id: shift.id, member_id: body.member_id, status }
      state.signups.push(row)
      broadcast('signup', { shift_id: shift.id })
      return send(res, 201, { id: row.id, status })
    }
    const cancel = /^\/api\/v1\/signups\/(\d+)$/.exec(path)
    if (method === 'DELETE' && cancel) {
      const row = state.signups.find((x) => x.id === Number(cancel[1]))
      if (!row) return fail(res, 404, 'not_found', 'no such sign-up')
      row.status = 'cancelled'
      const shift = state.shifts.find((x) => x.id === row.shift_id)
      shift.confirmed = Math.max(0, shift.confirmed - 1)
      return send(res, 200, {})
    }
    if (method === 'POST' && path === '/api/v1/checkins') return send(res, 201, { attendance_id: ++state.nextId, shift_id: 2 })
    if (method === 'POST' && path === '/api/v1/checkouts') return send(res, 200, { hours: 4 })
    if (method === 'POST' && path === '/api/v1/dispatch/plans') {
      if (!body.from || !body.to) return fail(res, 422, 'validation_failed', 'from: required', 'from')
      return created({
        assignments: [
          { shift: 2, shift_label: '新兴广场卡口 18:00', volunteer: 102, volunteer_name: '丁有波' },
          { shift: 2, shift_label: '新兴广场卡口 18:00', volunteer: 103, volunteer_name: '张明' },
          { shift: 3, shift_label: '凤凰社区服务点 09:00', volunteer: 101, volunteer_name: '廖雪' },
        ],
        coverage: 5,
        cost: 41870,
        unfilled: [
          { shift: 3, shift_label: '凤凰社区服务点 09:00', missing: 3, reason: 'no eligible volunteer left: skills' },
          { shift: 4, shift_label: '凤凰社区服务点 08:00', missing: 4, reason: 'no eligible volunteer left: availability' },
        ],
        bound: { coverage: 5, cost: 41870 },
        solve_ms: 3,
      })
    }
    if (method === 'POST' && /^\/api\/v1\/dispatch\/plans\/\d+\/commit$/.test(path)) return send(res, 200, { confirmed: 3, skipped: [] })
    if (method === 'POST' && path === '/api/v1/batches') return created({ ...body })
    if (method === 'POST' && path === '/api/v1/attendance') return created({})
    if (method === 'POST' && ['/api/v1/funds/allocations', '/api/v1/supplies'].includes(path)) return created({})
    if (method === 'POST' && path === '/api/v1/funds/expenses') {
      if (body.amount_fen > 2000000) return fail(res, 409, 'insufficient_funds', 'amount_fen: exceeds the balance of 20000.00 yuan', 'amount_fen')
      return created({})
    }
    if (method === 'PUT' && /^\/api\/v1\/(streets|communities)\/\d+\/pairing$/.test(path)) return send(res, 200, {})
    if (/^\/api\/v1\/members\/\d+\/availability$/.test(path)) {
      if (method === 'PUT') state.availability = { windows: body.windows || [], max_hours_per_day: body.max_hours_per_day || 8, high_risk_ok: Boolean(body.high_risk_ok) }
      return send(res, 200, state.availability || { windows: [], max_hours_per_day: 8, high_risk_ok: false })
    }
    return fail(res, 404, 'not_found', 'not found')
  })

  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address()
      resolve({
        url: `http://127.0.0.1:${bound}`,
        state,
        broadcast,
        close: () =>
          new Promise((done) => {
            for (const res of streams) res.end()
            server.closeAllConnections?.()
            server.close(() => done())
          }),
      })
    })
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mock = await startMockApi(Number(process.argv[2] || 8080))
  console.log(`mock API listening on ${mock.url}`)
}
