import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROLES, NAV_ITEMS } from '../src/roles.js'
import { TASKS, SITE_KINDS, STANDING_TASKS } from '../src/utils/domain.js'
import { ERROR_CODES } from '../src/api/client.js'
import { pickLocale } from '../src/i18n/locale.js'

const src = fileURLToPath(new URL('../src', import.meta.url))
const load = (name) => JSON.parse(readFileSync(join(src, 'locales', name), 'utf8'))
const zh = load('zh-CN.json')
const en = load('en.json')

// Returns every leaf key ("a.b.c") of a message tree.
function keys(tree, prefix = '') {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}
function has(tree, key) {
  return key.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), tree) !== undefined
}
function placeholders(text) {
  return [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}
function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(vue|js)$/.test(name) ? [path] : []
  })
}

describe('locales', () => {
  it('have the same keys in Chinese and English', () => {
    const zhKeys = keys(zh)
    const enKeys = keys(en)
    expect(zhKeys.filter((k) => !enKeys.includes(k))).toEqual([])
    expect(enKeys.filter((k) => !zhKeys.includes(k))).toEqual([])
  })

  it('use the same placeholders in both languages', () => {
    const differing = keys(zh).filter((k) => {
      const get = (tree) => k.split('.').reduce((n, p) => n[p], tree)
      return placeholders(get(zh)).join() !== placeholders(get(en)).join()
    })
    expect(differing).toEqual([])
  })

  it('have no empty message and no character the message syntax would misread', () => {
    for (const [name, tree] of [['zh-CN', zh], ['en', en]]) {
      for (const key of keys(tree)) {
        const text = key.split('.').reduce((n, p) => n[p], tree)
        expect(text, `${name}:${key}`).toBeTruthy()
        expect(/[@|]/.test(text), `${name}:${key} uses @ or |`).toBe(false)
      }
    }
  })

  it('hold every key the source names literally', () => {
    const missing = []
    for (const file of sourceFiles(src)) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/\b(?:t|te)\(\s*'([a-zA-Z][\w]*(?:\.[\w]+)+)'/g)) if (!has(zh, m[1])) missing.push(`${file}: ${m[1]}`)
      for (const m of text.matchAll(/(?:label|title): '((?:nav|login|checkin|notFound)\.[\w.]+)'/g)) if (!has(zh, m[1])) missing.push(`${file}: ${m[1]}`)
    }
    expect(missing).toEqual([])
  })

  it('hold the keys built at run time', () => {
    const needed = [
      ...ROLES.map((r) => `roles.${r}`),
      ...ROLES.map((r) => `users.scopes.${r}`),
      ...NAV_ITEMS.map((i) => i.label),
      ...TASKS.map((x) => `tasks.${x}`),
      ...SITE_KINDS.map((x) => `siteKinds.${x}`),
      ...STANDING_TASKS.map((x) => `standingTasks.${x}`),
      ...Object.keys(ERROR_CODES).map((c) => `errors.${c}`),
      'errors.network', 'errors.unknown', 'errors.rate_limited_wait', 'errors.bad_answer',
      ...['routine', 'emergency'].map((m) => `mode.${m}`),
      ...['connecting', 'open', 'retrying', 'closed'].map((s) => `live.${s}`),
      ...['units', 'branches', 'person_times', 'communities', 'hours', 'members', 'streets', 'fill'].map((s) => `stats.${s}`),
      ...['city_admin', 'unit_admin', 'street_coordinator', 'community_coordinator'].map((r) => `requests.intro.${r}`),
      ...['street', 'town', 'community', 'village'].map((k) => `regionKinds.${k}`),
      ...['agency', 'company'].map((k) => `unitKinds.${k}`),
      ...['districts', 'streets', 'communities', 'sites'].flatMap((k) => [`regions.${k}`, `regions.add.${k}`]),
      ...['departments', 'branches'].flatMap((k) => [`org.${k}`, `org.add.${k}`]),
      ...['confirmed', 'waiting'].map((s) => `signup.status.${s}`),
      ...['allocation', 'expense', 'supply'].flatMap((k) => [`funds.${k}`, `funds.submit.${k}`]),
      ...['open', 'mine'].map((s) => `myShifts.${s}`),
      ...['normal', 'high'].map((s) => `risk.${s}`),
      ...['name', 'phone', 'unit', 'department', 'branch', 'party_member', 'birth_date', 'id_number', 'skills', 'home_lat', 'home_lon', 'brought_by'].map((c) => `import.notes.${c}`),
    ]
    expect(needed.filter((k) => !has(zh, k))).toEqual([])
  })
})

describe('language choice', () => {
  it('defaults to Simplified Chinese and keeps a supported stored choice', () => {
    expect(pickLocale(null)).toBe('zh-CN')
    expect(pickLocale('fr')).toBe('zh-CN')
    expect(pickLocale('en')).toBe('en')
    expect(pickLocale('zh-CN')).toBe('zh-CN')
  })
})
