// GET /api/v1/pairings?date= answers one row per pairing in force on the date. A row pairs either a
// street with a unit ({street_id, unit_id, ...}) or a community with its departments
// ({community_id, street_id, department_ids | departments, ...}); names are used when present.
// This groups them as the city reads them: street -> unit, and under it community -> departments.

function deptList(row) {
  if (Array.isArray(row.departments)) return row.departments.map((d) => ({ id: d.id ?? d.department_id, name: d.name || d.department_name || `#${d.id ?? d.department_id}`, unit_name: d.unit_name || '' }))
  if (Array.isArray(row.department_ids)) return row.department_ids.map((id, i) => ({ id, name: (row.department_names && row.department_names[i]) || `#${id}`, unit_name: '' }))
  if (row.department_id != null) return [{ id: row.department_id, name: row.department_name || `#${row.department_id}`, unit_name: row.unit_name || '' }]
  return []
}

/** Returns streets sorted by name, each {street_id, street_name, unit_id, unit_name, from, to, communities}. */
export function groupPairings(rows) {
  const streets = new Map()
  const street = (id, name) => {
    const key = id ?? 'unknown'
    if (!streets.has(key)) streets.set(key, { street_id: id ?? null, street_name: name || (id != null ? `#${id}` : '—'), unit_id: null, unit_name: '', from: null, to: null, communities: new Map() })
    const s = streets.get(key)
    if (name && s.street_name.startsWith('#')) s.street_name = name
    return s
  }
  for (const row of rows || []) {
    const isCommunity = row.kind === 'community' || (row.kind !== 'street' && row.community_id != null)
    const s = street(row.street_id, row.street_name)
    if (!isCommunity) {
      s.unit_id = row.unit_id ?? null
      s.unit_name = row.unit_name || (row.unit_id != null ? `#${row.unit_id}` : '')
      s.from = row.from || null
      s.to = row.to || null
      continue
    }
    const c = s.communities.get(row.community_id) || { community_id: row.community_id, community_name: row.community_name || `#${row.community_id}`, departments: [], from: row.from || null }
    for (const d of deptList(row)) if (!c.departments.some((x) => x.id === d.id)) c.departments.push(d)
    s.communities.set(row.community_id, c)
  }
  return [...streets.values()]
    .map((s) => ({ ...s, communities: [...s.communities.values()].sort((a, b) => a.community_name.localeCompare(b.community_name, 'zh-CN')) }))
    .sort((a, b) => a.street_name.localeCompare(b.street_name, 'zh-CN'))
}

/**
 * The rows of a GET /api/v1/pairings answer, which is either a list ({items}) or a table
 * ({date, streets: [{street_id, unit_id, from, to}], communities: [{community_id, department_ids,
 * from, to}]}).
 */
export function rowsFromAnswer(answer) {
  if (!answer) return []
  if (Array.isArray(answer.items)) return answer.items
  return [
    ...(answer.streets || []).map((s) => ({ kind: 'street', ...s })),
    ...(answer.communities || []).map((c) => ({ kind: 'community', ...c })),
  ]
}

/**
 * Fills in the names (and a community's street) the rows lack from lists of the registry:
 * lookups = {streets, communities, units, departments}, each an array of {id, name, ...}.
 */
export function nameRows(rows, lookups) {
  const index = (list) => new Map((list || []).map((x) => [x.id, x]))
  const streets = index(lookups.streets)
  const communities = index(lookups.communities)
  const units = index(lookups.units)
  const departments = index(lookups.departments)
  return rows.map((row) => {
    const out = { ...row }
    if (out.kind === 'community' || (out.kind !== 'street' && out.community_id != null)) {
      const c = communities.get(out.community_id)
      if (out.street_id == null && c) out.street_id = c.street_id
      if (!out.community_name && c) out.community_name = c.name
      if (!out.departments && Array.isArray(out.department_ids)) {
        out.departments = out.department_ids.map((id) => {
          const d = departments.get(id)
          const u = d ? units.get(d.unit_id) : null
          return { id, name: d ? d.name : `#${id}`, unit_name: u ? u.name : '' }
        })
      }
    } else if (!out.unit_name && units.get(out.unit_id)) {
      out.unit_name = units.get(out.unit_id).name
    }
    if (!out.street_name && streets.get(out.street_id)) out.street_name = streets.get(out.street_id).name
    return out
  })
}
