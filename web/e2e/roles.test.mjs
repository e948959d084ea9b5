// Every role's main task, end to end, in the browser against the real server (MUSTER_BINARY) on a
// temporary database: the city is built through the API as the city administrator, then each role
// logs in through the form and does its work through the interface. The checks read as a story
// (the coordinator posts, the unit answers, the volunteer signs up and checks in, the coordinator
// records attendance, the city watches), but none needs another to have run: what a check needs
// from an earlier one (the request, the volunteer's sign-up, his check-in, the community
// coordinator's account...) it gets from `need.*`, which reuses what an earlier check made or
// makes it through the API. So one check runs alone:
//   MUSTER_BINARY=... node --test --test-name-pattern='batch' e2e/roles.test.mjs
// Any console error, uncaught page error or unexpected HTTP failure fails the check. Skipped
// against the stand-in API (smoke.test.mjs).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { ADMIN, EXPECTED, chooseLanguage, launchBrowser, login, screenshot, settle, startServer, watchPage } from './harness.mjs'
import { apiAs, buildCity, shanghaiInstant, shanghaiWall } from './city.mjs'

const real = Boolean(process.env.MUSTER_BINARY)

describe('every role against the real server', { skip: real ? false : 'MUSTER_BINARY is not set (the stand-in API runs smoke.test.mjs only)' }, () => {
  let server
  let desktop
  let phone
  let city
  const now = Date.now()
  // The shift of today: starts in 25 minutes (check-in opens 30 minutes before; the attendance
  // check needs it not started yet, and the suite takes about 3), lasts 4 hours.
  const soon = { starts: new Date(now + 25 * 60e3), ends: new Date(now + 4 * 3600e3) }
  // A second shift later today.
  const later = { starts: new Date(now + 5 * 3600e3), ends: new Date(now + 7 * 3600e3) }
  let request // the request the coordinator posts through the form (or need.request() through the API)
  let tomorrow // a request of tomorrow, posted through the API: not escalated yet
  let checkinPath
  const api = {} // JSON clients of the API by account, made when first wanted

  before(async () => {
    server = await startServer()
    city = await buildCity(server.url)
    const coordinator = await apiAs(server.url, city.accounts.street)
    const day = new Date(now + 24 * 3600e3)
    tomorrow = await coordinator.post('/api/v1/requests', {
      note: '明日卡口值守',
      urgent: false,
      shifts: [{ site_id: city.site.id, task: 'order_keeping', starts_at: shanghaiInstant(day), ends_at: shanghaiInstant(new Date(day.getTime() + 3 * 3600e3)), headcount: 3, skills: [] }],
    })
    desktop = await launchBrowser()
    phone = await launchBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 })
  })

  after(async () => {
    if (phone) await phone.close()
    if (desktop) await desktop.close()
    if (server) await server.close()
  })

  async function apiFor(name) {
    if (!api[name]) api[name] = await apiAs(server.url, city.accounts[name])
    return api[name]
  }
  const soonShift = (r) => r.shifts.find((s) => s.starts_at === shanghaiInstant(soon.starts))
  const laterShift = (r) => r.shifts.find((s) => s.starts_at === shanghaiInstant(later.starts))
  const rosterRow = async (shift, memberId) => (await city.admin.get(`/api/v1/shifts/${shift.id}/roster`)).items.find((r) => r.member_id === memberId)

  // What a check needs from the story before it: each returns what an earlier check left, or
  // makes it through the API (as the role who would have done it in the interface).
  const need = {
    // The request of two shifts (soon: 4 places, later: 2) the street coordinator posts.
    async request() {
      if (!request) {
        const coordinator = await apiFor('street')
        const shift = ({ starts, ends }, headcount) => ({ site_id: city.site.id, task: 'checkpoint', starts_at: shanghaiInstant(starts), ends_at: shanghaiInstant(ends), headcount, skills: [] })
        const posted = await coordinator.post('/api/v1/requests', { note: '向阳社区全员核酸，急需卡口与秩序维护（接口）', urgent: false, shifts: [shift(soon, 4), shift(later, 2)] })
        request = await city.admin.get(`/api/v1/requests/${posted.id}`)
      }
      return request
    },
    // The link inside the site's check-in QR code ("/checkin?token=...").
    async checkinPath() {
      if (!checkinPath) {
        const code = await (await apiFor('street')).get(`/api/v1/sites/${city.site.id}/checkin-code`)
        const parsed = new URL(code.url, server.url)
        checkinPath = `${parsed.pathname}${parsed.search}`
      }
      return checkinPath
    },
    // The volunteer's confirmed place on the shift starting soon.
    async volunteerSignedUp() {
      const shift = soonShift(await need.request())
      const row = await rosterRow(shift, city.volunteer.id)
      if (!row) await (await apiFor('volunteer')).post(`/api/v1/shifts/${shift.id}/signups`, { member_id: city.volunteer.id })
      return shift
    },
    // The volunteer checked in (by the site's code) at the shift starting soon.
    async volunteerCheckedIn() {
      const shift = await need.volunteerSignedUp()
      const row = await rosterRow(shift, city.volunteer.id)
      if (!row || !row.attendance_id) {
        const token = new URL(await need.checkinPath(), server.url).searchParams.get('token')
        await (await apiFor('volunteer')).post('/api/v1/checkins', { token })
      }
      return shift
    },
    // A confirmed shift that day in the street for each of `members` (the dispatch plan gives
    // them one; else the unit administrator signs them up for the later shift).
    async confirmedToday(members) {
      const r = await need.request()
      for (const m of members) {
        const rows = await Promise.all(r.shifts.map((s) => rosterRow(s, m.id)))
        if (!rows.some((row) => row && row.status === 'confirmed')) await (await apiFor('unit')).post(`/api/v1/shifts/${laterShift(r).id}/signups`, { member_id: m.id })
      }
    },
    // The community coordinator's account, which the city administrator creates in his check.
    async communityAccount() {
      const account = { username: 'community1', password: 'community-password-1' }
      try {
        await city.admin.post('/api/v1/users', { ...account, role: 'community_coordinator', scope_id: city.community.id })
      } catch (error) {
        if (!/answered 409/.test(error.message)) throw error
      }
      return account
    },
  }

  async function signIn(browser, account, allow = []) {
    await browser.context.clearCookies()
    const page = await browser.context.newPage()
    page.setDefaultTimeout(10000)
    const watch = watchPage(page, { allow: [...EXPECTED, ...allow] })
    await page.goto(`${server.url}/login`)
    await page.evaluate(() => {
      localStorage.clear()
      sessionStorage.clear()
    })
    await login(page, server.url, account)
    return { page, watch }
  }

  // Chooses the option with `text` in the Element Plus select inside `scope`.
  async function choose(page, scope, text) {
    await scope.locator('.el-select__wrapper').first().click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
  }

  // Types a "YYYY-MM-DD HH:mm" time into the Element Plus date-time picker inside `scope`.
  async function typeTime(page, scope, text) {
    const input = scope.locator('input').first()
    await input.click()
    await input.fill(text)
    await input.press('Enter')
    // Enter closes the panel; one left open is closed by its confirm button (Escape would close
    // a dialog around the picker).
    const open = () => page.waitForFunction(() => ![...document.querySelectorAll('.el-picker-panel')].some((e) => e.offsetParent !== null), null, { timeout: 1500 })
    if (!(await open().then(() => true, () => false))) await page.locator('.el-picker-panel:visible .el-picker-panel__footer .el-button').last().click()
    assert.equal(await input.inputValue(), text)
  }

  // The visible form item inside `scope` (a page or a locator) whose label has `label`.
  const item = (scope, label) => {
    const page = typeof scope.page === 'function' ? scope.page() : scope
    return scope.locator('.el-form-item:visible', { has: page.locator('.el-form-item__label', { hasText: label }) })
  }
  const errorOf = (scope) => scope.locator('.el-form-item__error')

  // The card of request `id` in a request list, under the status tab the server gives it.
  async function requestCard(page, id) {
    const fresh = await city.admin.get(`/api/v1/requests/${id}`)
    if (fresh.status !== 'open') await page.locator('.request-list .el-radio-button', { hasText: fresh.status === 'filled' ? '已满员' : '已结束' }).click()
    const card = page.locator(`[data-test=request-${id}]`)
    await card.waitFor()
    return { card, fresh }
  }

  // Waits for `locator`; failing that, says which form errors and notices the page shows.
  async function expectShown(page, locator) {
    try {
      await locator.waitFor()
    } catch (error) {
      const shown = await page.locator('.el-form-item.is-error:visible, .el-message:visible').evaluateAll((els) => els.map((e) => e.innerText.replace(/\s+/g, ' ')))
      throw new Error(`${error.message.split('\n')[0]}; the page shows: ${shown.join(' | ') || 'nothing'}`)
    }
  }

  it('street coordinator posts a request with two shifts and sees its fill status', async () => {
    const { page, watch } = await signIn(desktop, city.accounts.street, [['POST', /^\/api\/v1\/requests$/, 422]])
    assert.equal(new URL(page.url()).pathname, '/area')
    await page.locator('[data-test=new-request]').click()
    await page.waitForURL((url) => url.pathname === '/requests/new')
    await settle(page)
    await page.locator('.request-form textarea').first().fill('向阳社区全员核酸，急需卡口与秩序维护')
    await page.locator('[data-test=add-shift]').click()
    const cards = page.locator('.shift-card')
    for (const [i, shift] of [soon, later].entries()) {
      const card = cards.nth(i)
      await choose(page, item(card, '点位'), city.site.name)
      await typeTime(page, item(card, '开始时间'), shanghaiWall(shift.starts))
      await typeTime(page, item(card, '结束时间'), shanghaiWall(shift.ends))
    }
    // Errors stand under their field in Chinese: an end before the start (the form knows), a
    // shift of more than 24 hours (the server says why, by its reason "too_long").
    const firstEnd = item(cards.nth(0), '结束时间')
    await typeTime(page, firstEnd, shanghaiWall(new Date(soon.starts.getTime() - 3600e3)))
    await page.locator('[data-test=request-submit]').click()
    assert.equal((await errorOf(firstEnd).innerText()).trim(), '结束时间须晚于开始时间')
    await typeTime(page, firstEnd, shanghaiWall(new Date(soon.starts.getTime() + 25 * 3600e3)))
    await page.locator('[data-test=request-submit]').click()
    await errorOf(firstEnd).filter({ hasText: '24' }).waitFor()
    assert.equal((await errorOf(firstEnd).innerText()).trim(), '一个班次最长 24 小时')
    assert.equal(await page.locator('.el-message--error:visible').count(), 0, 'an error shown at its field is not repeated as a notice')
    await screenshot(page, 'server-request-field-error')
    await typeTime(page, firstEnd, shanghaiWall(soon.ends))
    await item(cards.nth(0), '需要人数').locator('input').fill('4')
    await item(cards.nth(1), '需要人数').locator('input').fill('2')
    await page.locator('[data-test=request-submit]').click()
    await page.locator('[data-test=request-created]').waitFor()
    const text = await page.locator('[data-test=request-created]').innerText()
    assert.match(text, new RegExp(city.unit.name), 'the answer names the unit the request went to')
    const requests = await city.admin.get('/api/v1/requests?status=open')
    request = requests.items.find((r) => r.note.startsWith('向阳社区全员核酸'))
    assert.ok(request, 'the request is on the server')
    assert.equal(request.shifts.length, 2)

    await page.locator('[data-test=back-home]').click()
    await page.waitForURL((url) => url.pathname === '/area')
    const card = page.locator(`[data-test=request-${request.id}]`)
    await card.waitFor()
    // Starting within two hours, it opened to every unit at once; the list says so and shows fill.
    assert.match(await card.innerText(), /已扩大范围/)
    assert.match(await card.innerText(), /首个班次即将开始/, 'the server\'s reason, in the reader\'s language')
    const first = request.shifts.find((x) => x.starts_at === shanghaiInstant(soon.starts))
    assert.equal((await card.locator(`[data-test=fill-${first.id}]:visible`).innerText()).trim(), '0/4')
    await screenshot(page, 'server-area-posted')
    watch.assertClean('post a request')
    await page.close()
  })

  it('street coordinator escalates a request and shows a site\'s check-in code', async () => {
    const { page, watch } = await signIn(desktop, city.accounts.street)
    const card = page.locator(`[data-test=request-${tomorrow.id}]`)
    await card.waitFor()
    await card.locator('[data-test=escalate]').click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.locator('[data-test=escalate-submit]').click()
    // Without a reason the form says so next to the field.
    assert.match(await errorOf(dialog).first().innerText(), /原因/)
    await dialog.locator('textarea').fill('本街道人手不足')
    await dialog.locator('[data-test=escalate-submit]').click()
    await dialog.waitFor({ state: 'hidden' })
    await card.locator('.el-tag', { hasText: '已扩大范围' }).waitFor()
    const fresh = await city.admin.get(`/api/v1/requests/${tomorrow.id}`)
    assert.equal(fresh.escalated, true)
    assert.equal(fresh.escalation_reason, '本街道人手不足')

    await page.goto(`${server.url}/area/sites`)
    await settle(page)
    await page.locator(`[data-test=code-${city.site.id}]`).click()
    const code = page.locator('.el-dialog:visible .code')
    await code.waitFor()
    const img = code.locator('img')
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle())
    const url = (await code.locator('.url').innerText()).trim()
    const parsed = new URL(url, server.url)
    assert.equal(parsed.pathname, '/checkin')
    assert.ok(parsed.searchParams.get('token'), 'the code carries a token')
    checkinPath = `${parsed.pathname}${parsed.search}`
    await screenshot(page, 'server-site-code')
    watch.assertClean('escalate and check-in code')
    await page.close()
  })

  it('unit administrator sees the request routed to his unit and sends a call to one branch', async () => {
    const request = await need.request()
    const { page, watch } = await signIn(desktop, city.accounts.unit)
    assert.equal(new URL(page.url()).pathname, '/unit')
    const card = page.locator(`[data-test=request-${request.id}]`)
    await card.waitFor()
    await card.locator('[data-test=send-call]').click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.locator('.el-checkbox', { hasText: '本单位全部党支部' }).click()
    await dialog.locator('.el-checkbox', { hasText: city.branches[1].name }).click()
    await dialog.locator('textarea').fill('请第二党支部党员报名明早卡口值守')
    await dialog.locator('[data-test=call-submit]').click()
    await dialog.locator('.el-alert--success').waitFor()
    // Three members in the second branch (王红, 赵刚, 陈晨) are the recipients.
    assert.match(await dialog.locator('.el-alert--success').innerText(), /3/)
    assert.match(await dialog.innerText(), new RegExp(city.branches[1].name))
    await screenshot(page, 'server-unit-call')
    await dialog.locator('[data-test=call-close]').click()
    watch.assertClean('send a call')
    await page.close()
  })

  it('volunteer on a phone sees the shifts open to him, signs up and sees his schedule', async () => {
    const shift = soonShift(await need.request())
    const { page, watch } = await signIn(phone, city.accounts.volunteer)
    assert.equal(new URL(page.url()).pathname, '/my/shifts')
    assert.ok(shift, 'the shift starting soon is on the server')
    const button = page.locator(`[data-test=signup-${shift.id}]`)
    await button.waitFor()
    const box = await button.boundingBox()
    assert.ok(box.height >= 44, `the sign-up button is a large touch target (${box.height}px)`)
    assert.ok(box.x >= 0 && box.x + box.width <= 390, 'the sign-up button fits the screen')
    await button.click()
    await page.locator('[data-test=view-mine].active').waitFor()
    const mine = page.locator(`[data-test=shift-${shift.id}]`)
    await mine.waitFor()
    assert.match(await mine.innerText(), /已报名|已确认/)
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(scrollWidth <= 390, `nothing overflows the phone's width (${scrollWidth}px)`)
    await screenshot(page, 'server-volunteer-signed-up')
    watch.assertClean('volunteer sign-up')
    await page.close()
  })

  it('unit administrator runs a dispatch plan and commits it', async () => {
    await need.request()
    const { page, watch } = await signIn(desktop, city.accounts.unit)
    await page.goto(`${server.url}/dispatch`)
    await settle(page)
    await page.locator('[data-test=make-plan]').click()
    const assignments = page.locator('[data-test=plan-assignments] .el-table__body tr')
    await expectShown(page, assignments.first())
    // The three members with declared availability are placed (on one or more shifts each);
    // names, not ids, are shown.
    const placed = await assignments.count()
    assert.ok(placed >= 3, `every available member is placed (${placed} assignments)`)
    const names = await page.locator('[data-test=plan-assignments]').innerText()
    for (const m of city.members) assert.match(names, new RegExp(m.name))
    assert.doesNotMatch(names, new RegExp(city.volunteer.name), 'a member without declared availability is not placed')
    await page.locator('[data-test=commit-plan]').click()
    await page.locator('.el-message-box .el-button--primary').click()
    await expectShown(page, page.locator('[data-test=plan-committed]'))
    assert.match(await page.locator('[data-test=plan-committed]').innerText(), new RegExp(`${placed}`))
    await screenshot(page, 'server-dispatch-committed')
    watch.assertClean('dispatch plan')
    await page.close()
  })

  it('branch secretary signs a member of his branch up, onto the waiting list when the shift is full', async () => {
    const request = await need.request()
    const { page, watch } = await signIn(desktop, city.accounts.branch, [['POST', /^\/api\/v1\/shifts\/\d+\/signups$/, 409]])
    assert.equal(new URL(page.url()).pathname, '/branch')
    const fresh = await city.admin.get(`/api/v1/requests/${request.id}`)
    const shift = fresh.shifts.find((x) => x.starts_at === shanghaiInstant(soon.starts))
    const full = shift.confirmed >= shift.headcount
    await page.locator(`[data-test=branch-signup-${shift.id}]`).click()
    const dialog = page.locator('.el-dialog:visible')
    await choose(page, dialog, city.spare.name)
    await dialog.locator('[data-test=branch-signup-submit]').click()
    if (full) {
      // A full shift offers its waiting list.
      await dialog.locator('.el-alert--warning').waitFor()
      await dialog.locator('[data-test=branch-signup-submit]').click()
    }
    await dialog.waitFor({ state: 'hidden' })
    const roster = await city.admin.get(`/api/v1/shifts/${shift.id}/roster`)
    const row = roster.items.find((r) => r.member_id === city.spare.id)
    assert.equal(row && row.status, full ? 'waiting' : 'confirmed')
    if (full) await page.locator(`[data-test=fill-${shift.id}]`, { hasText: '候补' }).waitFor()
    watch.assertClean('branch sign-up')
    await page.close()
  })

  it('unit administrator forms a batch and gets its printable list', async () => {
    await need.confirmedToday(city.members.slice(0, 2))
    const { page, watch } = await signIn(desktop, city.accounts.unit)
    await page.goto(`${server.url}/batches`)
    await settle(page)
    const form = page.locator('.batch-form')
    await form.locator('[data-test=batch-submit]').click()
    await errorOf(item(page, '集合地点')).waitFor() // a missing place is marked at its field
    await choose(page, item(page, '街道'), city.street.name)
    await typeTime(page, item(page, '出发时间'), shanghaiWall(new Date(now + 30 * 60e3)))
    await item(page, '集合地点').locator('input').fill('市交通运输局东门')
    await item(page, '车辆').locator('input').fill('浙A·12345 中巴')
    for (const m of city.members.slice(0, 2)) await choose(page, item(page, '乘车人员'), m.name)
    await page.keyboard.press('Escape')
    await form.locator('[data-test=batch-submit]').click()
    const sheet = page.locator('.batch-sheet')
    await expectShown(page, sheet)
    const text = await sheet.innerText()
    assert.match(text, new RegExp(city.street.name))
    for (const m of city.members.slice(0, 2)) assert.match(text, new RegExp(m.name))
    await screenshot(page, 'server-batch-sheet')
    watch.assertClean('batch')
    await page.close()
  })

  it('volunteer checks in by opening the code\'s link on his phone and checks out', async () => {
    await need.volunteerSignedUp()
    const path = await need.checkinPath()
    const { page, watch } = await signIn(phone, city.accounts.volunteer)
    await page.goto(`${server.url}${path}`)
    await page.locator('[data-test=checkin-done]').waitFor()
    await page.locator('[data-test=open-attendance]').waitFor()
    await screenshot(page, 'server-volunteer-checked-in')
    await page.locator('[data-test=checkout]').click()
    await page.locator('[data-test=checked-out]').waitFor()
    watch.assertClean('check-in by code')
    await page.close()
  })

  it('street coordinator sees the fill status and corrects attendance by hand, with a reason', async () => {
    const request = await need.request()
    await need.volunteerCheckedIn()
    const { page, watch } = await signIn(desktop, city.accounts.street, [['POST', /^\/api\/v1\/attendance$/, 422]])
    // The fill shown is the server's: the volunteer and the dispatched members; a request whose
    // shifts are all full is under "filled".
    const { card, fresh } = await requestCard(page, request.id)
    const shift = fresh.shifts.find((s) => s.starts_at === shanghaiInstant(soon.starts))
    assert.ok(shift.confirmed >= 1)
    assert.equal((await card.locator(`[data-test=fill-${shift.id}]:visible`).innerText()).trim(), `${shift.confirmed}/${shift.headcount}`)
    await card.locator(`[data-test=attendance-${shift.id}]:visible`).first().click()
    const dialog = page.locator('.el-dialog:visible')
    // The volunteer, chosen by name from the shift's roster, checked in by code already.
    await choose(page, item(dialog, '志愿者'), city.volunteer.name)
    // The shift has not started: a check-in at its start lies in the future, which the server
    // refuses, naming the field; the message stands under that field.
    await dialog.locator('[data-test=attendance-submit]').click()
    const inError = item(dialog, '签到时间')
    await errorOf(inError).waitFor()
    assert.equal((await errorOf(inError).innerText()).trim(), '不能是将来的时间', 'the server\'s reason, in Chinese')
    assert.equal(await page.locator('.el-message--error:visible', { hasText: '将来' }).count(), 0, 'an error shown at its field is not repeated as a notice')
    await typeTime(page, inError, shanghaiWall(new Date(Date.now() - 60e3)))
    // A correction of recorded attendance needs a reason: said under the reason field.
    await dialog.locator('[data-test=attendance-submit]').click()
    const reason = item(dialog, '说明')
    await errorOf(reason).waitFor()
    assert.equal((await errorOf(reason).innerText()).trim(), '更正已有的考勤记录须说明原因')
    await reason.locator('textarea').fill('扫码时间有误，按现场登记更正')
    await dialog.locator('[data-test=attendance-submit]').click()
    await dialog.waitFor({ state: 'hidden' })
    const roster = await city.admin.get(`/api/v1/shifts/${shift.id}/roster`)
    const row = roster.items.find((r) => r.member_id === city.volunteer.id)
    assert.ok(row && row.attendance_id, 'the attendance is on the roster')
    assert.equal(row.checked_out_at, null, 'the correction holds: checked in, not out')
    await screenshot(page, 'server-area-attendance')
    watch.assertClean('attendance by hand')
    await page.close()
  })

  it('city administrator: dashboard figures, mode switch, pairings, users, supervision, funds', async () => {
    await need.volunteerCheckedIn()
    const { page, watch } = await signIn(desktop, ADMIN, [['POST', /^\/api\/v1\/users$/, 422], ['POST', /^\/api\/v1\/funds\/expenses$/, 409]])
    assert.equal(new URL(page.url()).pathname, '/city')
    await page.locator('[data-test=stat-person_times]').waitFor()
    await settle(page, 800)
    // The figures are the server's for the dashboard's period (the last seven days): the
    // volunteer's check-in among them unless his shift starts after midnight.
    const to = shanghaiWall(new Date()).slice(0, 10)
    const from = shanghaiWall(new Date(Date.now() - 6 * 86400e3)).slice(0, 10)
    const summary = await city.admin.get(`/api/v1/stats/summary?from=${from}&to=${to}`)
    if (shanghaiWall(soon.starts).slice(0, 10) === to) assert.ok(summary.person_times >= 1)
    const shown = page.locator('[data-test=stat-person_times] .stat-value')
    await page.waitForFunction(([el, n]) => el.textContent.trim() === String(n), [await shown.elementHandle(), summary.person_times])
    assert.notEqual((await page.locator('[data-test=sentence]').innerText()).trim(), '')
    await screenshot(page, 'server-city-dashboard')

    // Mode switch, with its reason.
    await page.locator('[data-test=mode-switch]').click()
    const modeDialog = page.locator('.el-dialog:visible')
    await modeDialog.locator('textarea').fill('本土疫情，启动应急响应')
    await modeDialog.locator('.el-button--danger').click()
    await page.locator('[data-test=mode-strip].emergency').waitFor()
    assert.equal((await city.admin.get('/api/v1/mode')).mode, 'emergency')

    // Pairings: the street and its unit, by name.
    await page.goto(`${server.url}/registry/pairings`)
    await settle(page)
    const pairings = await page.locator('[data-test=pairings-table]').innerText()
    assert.match(pairings, new RegExp(city.street.name))
    assert.match(pairings, new RegExp(city.unit.name))

    // Import: a CSV of members, one good row and one bad, reported by row and field.
    await page.goto(`${server.url}/registry/import`)
    await settle(page)
    const csv = `name,phone,unit,branch,party_member\n孙导入,13800000011,${city.unit.name},${city.branches[0].name},是\n周错误,12812345678,${city.unit.name},,否\n`
    await page.locator('[data-test=import-drop] input[type=file]').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.locator('[data-test=import-submit]').click()
    await expectShown(page, page.locator('[data-test=import-result]'))
    // The bad row is reported by its row and field, and nothing of the file is imported.
    const report = await page.locator('[data-test=import-result]').innerText()
    assert.match(report, /导入 0 行，退回 1 行/)
    assert.match(report, /手机号 \(phone\)/, 'the column in Chinese and as the file names it')
    // The row's reason comes with it, so its message is in the reader's language too.
    assert.match(report, /应以 13 到 19 开头/, 'the refused row explained in Chinese')
    assert.doesNotMatch(report, /starts with/, 'not the server\'s English')

    // Accounts: the server's password rule is shown under the password field.
    await page.goto(`${server.url}/admin/users`)
    await settle(page)
    await page.locator('[data-test=add-user]').click()
    const userDialog = page.locator('.el-dialog:visible')
    await userDialog.locator('#f-username').fill('community1')
    await userDialog.locator('#f-password').fill('short')
    await choose(page, item(userDialog, '角色'), '社区联络员')
    await userDialog.locator('#f-scope_id').fill(String(city.community.id))
    await userDialog.locator('[data-test=create-submit]').click()
    const passwordError = errorOf(item(userDialog, '密码'))
    await passwordError.waitFor()
    assert.equal((await passwordError.innerText()).trim(), '密码至少 12 个字符')
    await userDialog.locator('#f-password').fill('community-password-1')
    await userDialog.locator('[data-test=create-submit]').click()
    await page.locator('.created', { hasText: 'community1' }).waitFor()

    // Supervision: the unit's row.
    await page.goto(`${server.url}/supervision`)
    await settle(page)
    await page.locator('[data-test=supervision-table] .el-table__body tr', { hasText: city.unit.name }).waitFor()

    // Funds: an allocation, then spending past the balance, refused at the amount.
    await page.goto(`${server.url}/funds`)
    await settle(page)
    await choose(page, item(page, '单位'), city.unit.name)
    await item(page, '金额').locator('input').fill('1000')
    await typeTime(page, item(page, '日期'), shanghaiWall(new Date()).slice(0, 10))
    await item(page, '用途').locator('input').fill('应急物资采购')
    await page.locator('[data-test=funds-submit]').click()
    await page.locator('.recorded', { hasText: '应急物资采购' }).waitFor()
    await page.locator('.el-tabs__item', { hasText: '支出' }).click()
    await choose(page, item(page, '单位'), city.unit.name)
    await item(page, '金额').locator('input').fill('5000')
    await typeTime(page, item(page, '日期'), shanghaiWall(new Date()).slice(0, 10))
    await item(page, '用途').locator('input').fill('租车')
    await page.locator('[data-test=funds-submit]').click()
    await errorOf(item(page, '金额')).waitFor()
    assert.match(await errorOf(item(page, '金额')).innerText(), /^超过单位经费余额 [\d,.]+ 元$/)
    await screenshot(page, 'server-funds-refused')
    watch.assertClean('city administrator')
    await page.close()
  })

  it('community coordinator sees his community\'s requests and their fill', async () => {
    const request = await need.request()
    const { page, watch } = await signIn(desktop, await need.communityAccount())
    assert.equal(new URL(page.url()).pathname, '/area')
    const { card, fresh } = await requestCard(page, request.id)
    for (const shift of fresh.shifts) assert.equal((await card.locator(`[data-test=fill-${shift.id}]:visible`).innerText()).trim(), `${shift.confirmed}/${shift.headcount}`)
    // Today's figures of the community, read from the statistics.
    assert.equal(await page.locator('[data-test=stats-unavailable]').count(), 0)
    assert.match(await page.locator('[data-test=stat-person_times] .stat-value').innerText(), /^\s*\d+\s*$/)
    watch.assertClean('community coordinator')
    await page.close()
  })

  it('volunteer in English signs up, cancels, and declares when he is free', async () => {
    // A shift of his own, the day after tomorrow, so no other check fills or plans it.
    const coordinator = await apiFor('street')
    const day = new Date(now + 2 * 86400e3)
    const posted = await coordinator.post('/api/v1/requests', {
      note: '后天卡口值守',
      urgent: false,
      shifts: [{ site_id: city.site.id, task: 'checkpoint', starts_at: shanghaiInstant(day), ends_at: shanghaiInstant(new Date(day.getTime() + 2 * 3600e3)), headcount: 2, skills: [] }],
    })
    const shift = posted.shifts[0]
    const { page, watch } = await signIn(phone, city.accounts.volunteer)
    await chooseLanguage(page, 'en')
    await page.locator('[data-test=view-open]', { hasText: 'Open' }).waitFor()
    await page.locator(`[data-test=signup-${shift.id}]`, { hasText: 'Sign up' }).click()
    await page.locator('[data-test=view-mine].active').waitFor()
    const mine = page.locator(`[data-test=shift-${shift.id}]`)
    assert.match(await mine.innerText(), /Signed up/)
    await mine.locator(`[data-test=cancel-${shift.id}]`).click()
    const box = page.locator('.el-message-box')
    assert.match(await box.innerText(), /first person waiting takes the place/)
    await box.locator('.el-button--primary').click()
    await mine.waitFor({ state: 'detached' })
    const row = await rosterRow(shift, city.volunteer.id)
    assert.ok(!row || row.status === 'cancelled', `the sign-up is cancelled on the server (${row && row.status})`)
    await page.locator('[data-test=view-open]').click()
    await page.locator(`[data-test=signup-${shift.id}]`).waitFor()

    // Availability: one period and a daily cap, saved, then shown again when the page reopens.
    await page.locator('[data-test=tab-my-availability]').click()
    await page.waitForURL((url) => url.pathname !== '/my/shifts')
    const form = page.locator('[data-test=availability-form]')
    await form.getByText('When you are free').waitFor()
    const start = shanghaiWall(new Date(now + 3 * 86400e3)).slice(0, 10)
    const inputs = form.locator('input[type=datetime-local]')
    await inputs.nth(0).fill(`${start}T08:00`)
    await inputs.nth(1).fill(`${start}T18:00`)
    await form.locator('.el-input-number input').fill('6')
    await form.locator('.el-input-number input').blur()
    await page.locator('[data-test=availability-save]').click()
    await page.locator('.el-message--success', { hasText: 'Saved' }).first().waitFor()
    const declared = await city.admin.get(`/api/v1/members/${city.volunteer.id}/availability`)
    assert.deepEqual(declared.windows, [[`${start}T08:00:00+08:00`, `${start}T18:00:00+08:00`]])
    assert.equal(declared.max_hours_per_day, 6)
    await page.reload()
    await form.locator('input[type=datetime-local]').first().waitFor()
    await page.waitForFunction((v) => document.querySelector('[data-test=availability-form] input[type=datetime-local]').value === v, `${start}T08:00`)
    assert.equal(await form.locator('.el-input-number input').inputValue(), '6')
    await screenshot(page, 'server-volunteer-availability-en')
    watch.assertClean('volunteer in English')
    await page.close()
  })

  it('city administrator downloads the attendance export and records donated supplies', async () => {
    await need.volunteerCheckedIn()
    const { page, watch } = await signIn(desktop, ADMIN, [['POST', /^\/api\/v1\/supplies$/, 422]])
    await page.locator('[data-test=stat-person_times]').waitFor()
    // The CSV the link downloads is the server's export of the dashboard's period.
    const link = page.locator('[data-test=export-csv]')
    const href = await link.getAttribute('href')
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    assert.match(download.suggestedFilename(), /\.csv$/)
    const text = await readFile(await download.path(), 'utf8')
    // It begins with a byte-order mark (so spreadsheet programs read it as UTF-8), which the
    // API client's text drops.
    assert.equal(text.charCodeAt(0), 0xfeff)
    assert.equal(text.slice(1), await city.admin.text(href, { 'Accept-Language': 'zh-CN' }), 'the file is the server\'s export')
    assert.match(text.split(/\r?\n/)[0], /姓名/)
    const period = new URL(href, server.url).searchParams
    const summary = await city.admin.get(`/api/v1/stats/summary?from=${period.get('from')}&to=${period.get('to')}`)
    if (summary.person_times > 0) assert.match(text, new RegExp(city.volunteer.name))

    // Supplies: without a recipient the server's refusal stands under the receiving street.
    await page.goto(`${server.url}/funds`)
    await settle(page)
    await page.locator('.el-tabs__item', { hasText: '物资' }).click()
    await item(page, '捐赠').locator('input').fill('爱心企业')
    await item(page, '内容').locator('input').fill('N95 口罩')
    await item(page, '数量').locator('input').fill('500')
    await item(page, '价值').locator('input').fill('2500')
    await page.locator('[data-test=funds-submit]').click()
    const street = item(page, '受赠街道')
    await errorOf(street).waitFor()
    assert.equal((await errorOf(street).innerText()).trim(), '请选择受赠的街道或社区')
    await choose(page, street, city.street.name)
    await page.locator('[data-test=funds-submit]').click()
    await page.locator('.recorded', { hasText: 'N95 口罩' }).waitFor()
    const supplies = await city.admin.get('/api/v1/supplies')
    const saved = supplies.items.find((x) => x.description === 'N95 口罩')
    assert.ok(saved, 'the supplies are on the server')
    assert.equal(saved.value_fen, 250000)
    assert.equal(saved.quantity, 500)
    await screenshot(page, 'server-funds-supplies')
    watch.assertClean('export and supplies')
    await page.close()
  })
})
