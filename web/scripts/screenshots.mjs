#!/usr/bin/env node
// Writes screenshots of the main pages, in Chinese and in English, to docs/screenshots/.
//
//   node scripts/screenshots.mjs                         the built interface (npm run build first)
//                                                        in front of the stand-in API (e2e/mock-api.mjs)
//   MUSTER_BINARY=build/muster node scripts/screenshots.mjs
//                                                        a fresh server on a temporary database
//   MUSTER_URL=http://127.0.0.1:8080 MUSTER_USER=admin MUSTER_PASSWORD=... node scripts/screenshots.mjs
//                                                        a running server (e.g. `muster demo`)
//
// Against a real server the other roles' pages need accounts: the script signs in as the city
// administrator and creates one account per role (POST /api/v1/users) scoped to the first unit,
// branch, street, community and member it finds; a role it cannot set up is skipped with a note.
// Options: --out DIR (default docs/screenshots), --only NAME[,NAME], --member ID (the member the
// volunteer account acts as, e.g. one whose unit has open requests; default the first member).
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { ADMIN, WEB_DIR, launchBrowser, login, settle, startTarget, watchPage, EXPECTED } from '../e2e/harness.mjs'

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const OUT = resolve(option('--out') || join(WEB_DIR, '..', 'docs', 'screenshots'))
const ONLY = option('--only') ? option('--only').split(',') : null

const DESKTOP = { width: 1366, height: 860 }
const PHONE = { width: 390, height: 844 }

// name, role (account key), path, viewport, optional action before the picture.
const PAGES = [
  { name: 'login', role: null, path: '/login' },
  { name: 'city-dashboard', role: 'city_admin', path: '/city', wait: '[data-test=stat-person_times]' },
  { name: 'requests', role: 'city_admin', path: '/requests' },
  { name: 'regions', role: 'city_admin', path: '/registry/regions' },
  { name: 'organisations', role: 'city_admin', path: '/registry/organisations', action: async (page) => page.locator('.units .el-table__row').first().click().catch(() => {}) },
  { name: 'members', role: 'city_admin', path: '/registry/members' },
  { name: 'pairings', role: 'city_admin', path: '/registry/pairings', action: async (page) => page.locator('.el-table__expand-icon').first().click().catch(() => {}) },
  { name: 'import', role: 'city_admin', path: '/registry/import', action: importSample },
  { name: 'supervision', role: 'city_admin', path: '/supervision' },
  { name: 'users', role: 'city_admin', path: '/admin/users' },
  { name: 'unit-home', role: 'unit_admin', path: '/unit' },
  { name: 'activities', role: 'unit_admin', path: '/activities' },
  { name: 'dispatch', role: 'unit_admin', path: '/dispatch', action: async (page) => { await page.locator('[data-test=make-plan]').click(); await page.locator('[data-test=commit-plan]').waitFor({ timeout: 10000 }).catch(() => {}) } },
  { name: 'batches', role: 'unit_admin', path: '/batches' },
  { name: 'funds', role: 'city_admin', path: '/funds' },
  { name: 'branch-home', role: 'branch_secretary', path: '/branch' },
  { name: 'area-home', role: 'street_coordinator', path: '/area' },
  { name: 'request-new', role: 'street_coordinator', path: '/requests/new' },
  { name: 'sites', role: 'street_coordinator', path: '/area/sites' },
  { name: 'my-shifts', role: 'volunteer', path: '/my/shifts', viewport: PHONE },
  { name: 'availability', role: 'volunteer', path: '/my/availability', viewport: PHONE },
]

// Uploads a small CSV with one bad phone so the per-row report shows.
async function importSample(page) {
  const csv = '姓名,手机,单位\n张三,13800138000,市委党校\n李四,12812345678,市委党校\n'
  await page.locator('input[type=file]').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.locator('[data-test=import-submit]').click()
  await page.locator('[data-test=import-result]').waitFor({ timeout: 10000 }).catch(() => {})
}

// The stand-in API's built-in accounts.
const MOCK_ACCOUNTS = {
  city_admin: { username: 'admin', password: 'any' },
  unit_admin: { username: 'unit', password: 'any' },
  branch_secretary: { username: 'branch', password: 'any' },
  street_coordinator: { username: 'street', password: 'any' },
  community_coordinator: { username: 'community', password: 'any' },
  volunteer: { username: 'volunteer', password: 'any' },
}

// Creates one account per role on a real server, scoped to the first object of each kind.
async function createAccounts(context, baseUrl, admin) {
  const accounts = { city_admin: admin }
  const page = await context.newPage()
  await login(page, baseUrl, admin)
  const csrf = await page.evaluate(() => sessionStorage.getItem('muster.csrf'))
  const first = async (path) => {
    const r = await page.request.get(`${baseUrl}${path}?limit=1`)
    if (!r.ok()) return null
    const body = await r.json()
    return body.items && body.items[0] ? body.items[0].id : null
  }
  const scopes = {
    unit_admin: await first('/api/v1/units'),
    branch_secretary: await first('/api/v1/branches'),
    street_coordinator: await first('/api/v1/streets'),
    community_coordinator: await first('/api/v1/communities'),
    volunteer: option('--member') ? Number(option('--member')) : await first('/api/v1/members'),
  }
  for (const [role, scope] of Object.entries(scopes)) {
    if (scope == null) {
      console.warn(`screenshots: no object to scope a ${role} account to; its pages are skipped`)
      continue
    }
    const account = { username: `shot_${role}_${randomBytes(3).toString('hex')}`, password: randomBytes(12).toString('base64url') }
    const r = await page.request.post(`${baseUrl}/api/v1/users`, {
      data: { ...account, role, scope_id: scope },
      headers: csrf ? { 'X-CSRF-Token': csrf } : {},
    })
    if (r.ok()) accounts[role] = account
    else console.warn(`screenshots: could not create a ${role} account (${r.status()}); its pages are skipped`)
  }
  await page.close()
  return accounts
}

async function main() {
  await mkdir(OUT, { recursive: true })
  let target
  if (process.env.MUSTER_URL) {
    target = { kind: 'url', url: process.env.MUSTER_URL.replace(/\/$/, ''), close: async () => {} }
  } else {
    target = await startTarget()
  }
  const written = []
  const problems = []
  try {
    let accounts = MOCK_ACCOUNTS
    if (target.kind !== 'preview') {
      const admin = target.kind === 'url' ? { username: process.env.MUSTER_USER || 'admin', password: process.env.MUSTER_PASSWORD || '' } : ADMIN
      const setup = await launchBrowser()
      try {
        accounts = await createAccounts(setup.context, target.url, admin)
      } finally {
        await setup.close()
      }
    }
    for (const viewport of [DESKTOP, PHONE]) {
      const pages = PAGES.filter((p) => (p.viewport || DESKTOP) === viewport && (!ONLY || ONLY.includes(p.name)))
      if (!pages.length) continue
      const browser = await launchBrowser({ viewport, isMobile: viewport === PHONE, deviceScaleFactor: viewport === PHONE ? 2 : 1 })
      try {
        for (const locale of ['zh-CN', 'en']) {
          let signedInAs = null
          const page = await browser.context.newPage()
          const watch = watchPage(page, { allow: [...EXPECTED, ['POST', /^\/api\/v1\/members\/import$/, '*']] })
          await page.goto(`${target.url}/login`)
          await page.evaluate((l) => localStorage.setItem('muster.locale', l), locale)
          for (const spec of pages) {
            if (spec.role && !accounts[spec.role]) continue
            if (spec.role !== signedInAs) {
              await browser.context.clearCookies()
              if (spec.role) await login(page, target.url, accounts[spec.role])
              signedInAs = spec.role
            }
            await page.goto(`${target.url}${spec.path}`)
            if (spec.wait) await page.locator(spec.wait).first().waitFor({ timeout: 10000 }).catch(() => {})
            await settle(page, 700)
            if (spec.action) {
              await spec.action(page)
              await settle(page, 500)
            }
            await page.mouse.move(0, 0)
            const file = join(OUT, `${spec.name}-${locale === 'zh-CN' ? 'zh' : 'en'}.png`)
            await page.screenshot({ path: file, fullPage: viewport === DESKTOP })
            written.push(file)
            for (const p of watch.problems.splice(0)) problems.push(`${spec.name} (${locale}): ${p}`)
          }
          await page.close()
        }
      } finally {
        await browser.close()
      }
    }
  } finally {
    await target.close()
  }
  for (const file of written) console.log(file)
  if (problems.length) {
    console.error(`screenshots: the pages reported problems:\n  ${problems.join('\n  ')}`)
    process.exitCode = 1
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
