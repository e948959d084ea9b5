import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fieldErrorText, fieldLabel, fieldLeaf, fieldPath, reasonMessage } from '../src/api/errorText.js'
import { createApiClient } from '../src/api/client.js'

const load = (name) => JSON.parse(readFileSync(fileURLToPath(new URL(`../src/locales/${name}`, import.meta.url)), 'utf8'))
const LOCALES = { 'zh-CN': load('zh-CN.json'), en: load('en.json') }

// A translate function over a locale file, as the app's (vue-i18n) answers: null for a missing key.
function translator(locale) {
  const tree = LOCALES[locale]
  return (key, params = {}) => {
    const text = key.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), tree)
    if (typeof text !== 'string') return null
    return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? `{${name}}`))
  }
}
const zh = translator('zh-CN')
const en = translator('en')

// Returns every literal `reason` the C++ server gives an error (see base/error.h): the last argument
// of Invalid(field, message, reason) and of helpers declared `Error X(..., std::string reason)`, the
// fourth member of Error{code, message, field, reason}, and `.reason = "..."`.
function serverReasons(root) {
  const files = (dir) =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return files(path)
      return /\.(cpp|h)$/.test(name) && !/_test\.cpp$/.test(name) ? [path] : []
    })
  // Returns the top-level arguments of the bracket opening at text[open].
  const args = (text, open) => {
    const out = []
    let depth = 0
    let start = open + 1
    for (let i = open; i < text.length; i++) {
      const c = text[i]
      if (c === '"') {
        for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++
      } else if ('({['.includes(c)) depth++
      else if (')}]'.includes(c)) {
        if (--depth === 0) return [...out, text.slice(start, i).trim()]
      } else if (c === ',' && depth === 1) {
        out.push(text.slice(start, i).trim())
        start = i + 1
      }
    }
    return out
  }
  const literal = (a) => (a && /^"[a-z][a-z0-9_]*"$/.test(a) ? a.slice(1, -1) : null)
  const found = new Set()
  for (const file of files(root)) {
    const text = readFileSync(file, 'utf8')
    const helpers = new Set(['Invalid'])
    for (const m of text.matchAll(/\bError\s+([A-Z]\w*)\([^)]*std::string reason(?:\s*=\s*"([a-z_]+)")?\)/g)) {
      helpers.add(m[1])
      if (m[2]) found.add(m[2])
    }
    for (const m of text.matchAll(/\b([A-Z]\w*)\(/g)) {
      if (!helpers.has(m[1])) continue
      const a = args(text, m.index + m[0].length - 1)
      if (m[1] === 'Invalid' ? a.length === 3 : a.length >= 2) found.add(literal(a[a.length - 1]))
    }
    for (const m of text.matchAll(/Error\s*\w*\s*\{\s*ErrorCode::/g)) {
      const a = args(text, text.indexOf('{', m.index))
      if (a.length === 4) found.add(literal(a[3]))
    }
    for (const m of text.matchAll(/\.reason\s*=\s*"([a-z][a-z0-9_]*)"/g)) found.add(m[1])
    for (const m of text.matchAll(/kRejectedReason\s*=\s*"([a-z_]+)"/g)) found.add(m[1])
  }
  found.delete(null)
  return [...found].sort()
}

describe('field names', () => {
  it('split a path into names and list positions', () => {
    expect(fieldPath('shifts[2].site_id')).toEqual([{ name: 'shifts', index: 2 }, { name: 'site_id', index: undefined }])
    expect(fieldPath('windows[0]')).toEqual([{ name: 'windows', index: 0 }])
    expect(fieldLeaf('shifts[2].ends_at')).toBe('ends_at')
    expect(fieldLeaf('windows[3]')).toBe('windows')
  })

  it('read in the reader\'s language, counting list items from one', () => {
    expect(fieldLabel('shifts[0].headcount', zh)).toBe('第 1 个班次 · 人数')
    expect(fieldLabel('shifts[0].headcount', en)).toBe('shift 1 · headcount')
    expect(fieldLabel('windows[2]', zh)).toBe('第 3 个时段')
    expect(fieldLabel('amount_fen', zh)).toBe('金额')
    expect(fieldLabel('X-Unheard-Of', zh)).toBe('X-Unheard-Of')
  })
})

describe('error messages by reason', () => {
  const server = fileURLToPath(new URL('../../src', import.meta.url))

  it.skipIf(!existsSync(server))('exist in both languages for every reason the server gives', () => {
    const reasons = serverReasons(server)
    expect(reasons.length).toBeGreaterThan(60)
    expect(reasons).toContain('range')
    expect(reasons).toContain('id_checksum')
    for (const [name, tr] of [['zh-CN', zh], ['en', en]]) {
      const missing = reasons.filter((reason) => !reasonMessage({ code: 'validation_failed', field: 'x', reason, message: '' }, tr))
      expect(missing, `${name}: reasons without a message`).toEqual([])
    }
  })

  it('give a shift\'s headcount of 0 and its end before its start in Chinese', () => {
    expect(reasonMessage({ code: 'validation_failed', field: 'shifts[0].headcount', reason: 'range', message: 'must be between 1 and 10000' }, zh)).toBe('须在 1 到 10000 之间')
    expect(reasonMessage({ code: 'validation_failed', field: 'shifts[0].ends_at', reason: 'order', message: 'must be after starts_at' }, zh)).toBe('须晚于开始时间')
    expect(reasonMessage({ code: 'validation_failed', field: 'shifts[0].ends_at', reason: 'order', message: 'must be after starts_at' }, en)).toBe('must be after start')
  })

  it('carry the figures of the server\'s text, and do without them when the text differs', () => {
    expect(reasonMessage({ code: 'insufficient_funds', field: 'amount_fen', reason: 'insufficient_funds', message: 'exceeds the unit\'s balance of 1,200.00 yuan' }, zh)).toBe('超过单位经费余额 1,200.00 元')
    expect(reasonMessage({ code: 'validation_failed', field: 'checked_in_at', reason: 'future', message: 'must not be in the future' }, zh)).toBe('不能是将来的时间')
    expect(reasonMessage({ code: 'validation_failed', field: 'from', reason: 'inconsistent', message: 'differs from row 3 for the same community' }, zh)).toBe('与同一社区的第 3 行不一致')
    expect(reasonMessage({ code: 'validation_failed', field: 'department_id', reason: 'not_of_unit', message: "not a department of the member's unit" }, en)).toBe('belongs to another unit')
    expect(reasonMessage({ code: 'validation_failed', field: 'reason', reason: 'too_long', message: 'at most 500 bytes' }, zh)).toBe('太长了：最多 500 字节（约 166 个汉字）')
    expect(reasonMessage({ code: 'validation_failed', field: 'password', reason: 'password_length', message: 'must be at least 12 characters' }, zh)).toBe('密码至少 12 个字符')
    expect(reasonMessage({ code: 'validation_failed', field: 'x', reason: 'range', message: 'wholly different words' }, zh)).toBe('超出允许的范围')
    expect(reasonMessage({ code: 'validation_failed', field: 'shifts[1].site_id', reason: 'unknown_id', message: 'no site with id 9' }, zh)).toBe('所选的地点不存在')
    expect(reasonMessage({ code: 'validation_failed', field: 'to', reason: 'order', message: 'must not be before from' }, zh)).toBe('不能早于开始日期')
  })

  it('tell errors without a reason apart by their code and field', () => {
    expect(reasonMessage({ code: 'conflict', field: 'phone', message: 'another member is registered with this phone number' }, zh)).toBe('已有队员登记了这个手机号')
    expect(reasonMessage({ code: 'conflict', field: 'id', message: 'the shift has ended' }, en)).toBe('the shift has ended')
    expect(reasonMessage({ code: 'conflict', field: 'id', message: 'something new' }, zh)).toBeNull()
  })

  it('fall back to the server\'s text only for an unknown reason, behind a Chinese lead in Chinese', () => {
    const unknown = { code: 'validation_failed', field: 'x', reason: 'brand_new', message: 'a new rule' }
    expect(reasonMessage(unknown, zh)).toBeNull()
    expect(fieldErrorText(unknown, zh, 'zh-CN')).toEqual({ text: '此项不符合要求：a new rule', translated: false })
    expect(fieldErrorText(unknown, en, 'en')).toEqual({ text: 'a new rule', translated: false })
    expect(fieldErrorText({ ...unknown, reason: null, message: 'not a department of the member\'s unit' }, en, 'en').text).toBe('not a department of the member\'s unit')
  })
})

describe('the client', () => {
  it('puts the translated reason and field name on the error and into the notice', async () => {
    const notices = []
    const client = createApiClient({
      fetch: async () =>
        new Response(JSON.stringify({ error: { code: 'validation_failed', message: 'shifts[0].headcount: must be between 1 and 10000', field: 'shifts[0].headcount', reason: 'range' } }), {
          status: 422,
          headers: { 'Content-Type': 'application/json' },
        }),
      getLocale: () => 'zh-CN',
      translate: zh,
      notify: (n) => notices.push(n),
    })
    const error = await client.post('/api/v1/requests', {}).catch((e) => e)
    expect(error.reason).toBe('range')
    expect(error.fieldMessage).toBe('须在 1 到 10000 之间')
    expect(error.fieldLabel).toBe('第 1 个班次 · 人数')
    expect(error.fieldTranslated).toBe(true)
    expect(notices[0].message).toBe('填写的内容有误，请检查标出的项目。（第 1 个班次 · 人数：须在 1 到 10000 之间）')
  })
})
