// A small city built through the real server's API as the city administrator, for the browser
// checks of every role: one district, street, community and site; one unit with two branches and
// five members (three with declared availability, so a dispatch plan has someone to place), the
// street paired with the unit, and one account per role.
import { ADMIN } from './harness.mjs'

export const PASSWORD = 'e2e-Role-password-1'

/** A JSON client of the API with a bearer token (no cookie, so no CSRF token is needed). */
export async function apiAs(baseUrl, { username, password }) {
  const call = async (method, path, body, token, headers = {}, raw = false) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
    if (raw) return text
    return text ? JSON.parse(text) : null
  }
  const session = await call('POST', '/api/v1/session', { username, password })
  return {
    get: (path) => call('GET', path, undefined, session.token),
    post: (path, body) => call('POST', path, body, session.token),
    put: (path, body) => call('PUT', path, body, session.token),
    /** The answer's text (an export), asked for with `headers`. */
    text: (path, headers = {}) => call('GET', path, undefined, session.token, headers, true),
  }
}

/** "YYYY-MM-DD HH:mm" in Asia/Shanghai of an instant (what the date pickers take). */
export function shanghaiWall(date) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  )
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** RFC 3339 with +08:00 of an instant, to the minute. */
export function shanghaiInstant(date) {
  return `${shanghaiWall(date).replace(' ', 'T')}:00+08:00`
}

export async function buildCity(baseUrl) {
  const admin = await apiAs(baseUrl, ADMIN)
  const district = await admin.post('/api/v1/districts', { name: '测试区' })
  const street = await admin.post('/api/v1/streets', { district_id: district.id, name: '东风街道', kind: 'street' })
  const community = await admin.post('/api/v1/communities', { street_id: street.id, name: '向阳社区', kind: 'community' })
  const site = await admin.post('/api/v1/sites', { community_id: community.id, name: '向阳社区核酸采样点', kind: 'collection_point', lat: 30.25, lon: 120.16, risk: 'normal' })
  const unit = await admin.post('/api/v1/units', { name: '市交通运输局', kind: 'agency' })
  const branchA = await admin.post('/api/v1/branches', { unit_id: unit.id, name: '第一党支部' })
  const branchB = await admin.post('/api/v1/branches', { unit_id: unit.id, name: '第二党支部' })
  const member = (name, phone, branch, party) => admin.post('/api/v1/members', { name, phone, unit_id: unit.id, branch_id: branch.id, party_member: party, skills: [] })
  const volunteer = await member('张志愿', '13800000001', branchA, true)
  const members = [
    await member('李先锋', '13800000002', branchA, true),
    await member('王红', '13800000003', branchB, false),
    await member('赵刚', '13800000004', branchB, true),
  ]
  const spare = await member('陈晨', '13800000005', branchB, false)
  await admin.put(`/api/v1/streets/${street.id}/pairing`, { unit_id: unit.id })
  // Declared availability from now for two days: the dispatch plan may place these three.
  const now = Date.now()
  for (const m of members) {
    await admin.put(`/api/v1/members/${m.id}/availability`, { windows: [[shanghaiInstant(new Date(now - 3600e3)), shanghaiInstant(new Date(now + 48 * 3600e3))]], max_hours_per_day: 10, high_risk_ok: false })
  }
  const account = async (username, role, scope) => {
    await admin.post('/api/v1/users', { username, password: PASSWORD, role, scope_id: scope })
    return { username, password: PASSWORD }
  }
  return {
    admin,
    district,
    street,
    community,
    site,
    unit,
    branches: [branchA, branchB],
    volunteer,
    members,
    spare,
    accounts: {
      street: await account('coordinator', 'street_coordinator', street.id),
      unit: await account('unitadmin', 'unit_admin', unit.id),
      branch: await account('secretary', 'branch_secretary', branchB.id),
      volunteer: await account('volunteer', 'volunteer', volunteer.id),
    },
  }
}
