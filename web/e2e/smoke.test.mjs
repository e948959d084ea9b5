// Browser checks of the built interface (node --test e2e/). Against the real server when
// MUSTER_BINARY is set, otherwise against `vite preview` of web/dist with the stand-in API.
// Any console error, uncaught page error or unexpected HTTP failure fails the check.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, EXPECTED, chooseLanguage, launchBrowser, login, screenshot, settle, startTarget, watchPage } from './harness.mjs'

let target
let browser

before(async () => {
  target = await startTarget()
  browser = await launchBrowser()
})

after(async () => {
  if (browser) await browser.close()
  if (target) await target.close()
})

async function freshPage() {
  // Each check starts signed out, in Chinese.
  await browser.context.clearCookies()
  const page = await browser.context.newPage()
  const watch = watchPage(page, { allow: EXPECTED })
  await page.goto(`${target.url}/login`)
  await page.evaluate(() => {
    localStorage.clear()
    sessionStorage.clear()
  })
  return { page, watch }
}

describe('login page', () => {
  it('renders in Chinese with no console error under the Content-Security-Policy', async () => {
    const { page, watch } = await freshPage()
    const response = await page.goto(`${target.url}/login`)
    const policy = response.headers()['content-security-policy'] || ''
    assert.match(policy, /script-src 'self'(;|$)/, 'the page is served under a strict script policy')
    await settle(page)
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
    assert.equal((await page.locator('[data-test=login-submit]').innerText()).replace(/\s/g, ''), '登录')
    assert.ok(await page.locator('label[for=login-username]').isVisible(), 'the username field has a visible label')
    await screenshot(page, `${target.kind}-login-zh`)
    watch.assertClean('login page')
    await page.close()
  })

  it('switches to English and remembers the choice across a reload', async () => {
    const { page, watch } = await freshPage()
    await page.goto(`${target.url}/login`)
    await settle(page)
    await chooseLanguage(page, 'en')
    assert.equal((await page.locator('[data-test=login-submit]').innerText()).trim(), 'Log in')
    assert.equal(await page.evaluate(() => localStorage.getItem('muster.locale')), 'en')
    await page.reload()
    await settle(page)
    assert.equal(await page.locator('html').getAttribute('lang'), 'en')
    assert.equal((await page.locator('label[for=login-username]').innerText()).trim(), 'Username')
    // Element Plus speaks the same language.
    await screenshot(page, `${target.kind}-login-en`)
    await chooseLanguage(page, 'zh-CN')
    watch.assertClean('language switch')
    await page.close()
  })

  it('says so next to the form when the password is wrong', async () => {
    const { page, watch } = await freshPage()
    await page.goto(`${target.url}/login`)
    await page.locator('#login-username').fill(ADMIN.username)
    await page.locator('#login-password').fill('wrong')
    await page.locator('[data-test=login-submit]').click()
    await page.locator('[data-test=login-error]').waitFor()
    assert.match(await page.locator('[data-test=login-error]').innerText(), /用户名或密码不正确|操作太频繁/)
    watch.problems.splice(0, watch.problems.length, ...watch.problems.filter((p) => !/HTTP (401|429) for POST \/api\/v1\/session/.test(p)))
    watch.assertClean('wrong password')
    await page.close()
  })
})

describe('city administrator', () => {
  it('lands on the city dashboard with figures, charts, the mode banner, and logs out', async () => {
    const { page, watch } = await freshPage()
    const password = target.kind === 'server' ? ADMIN.password : 'any'
    await login(page, target.url, { username: ADMIN.username, password })
    assert.equal(new URL(page.url()).pathname, '/city')
    await page.locator('[data-test=stat-person_times]').waitFor()
    await page.locator('[data-test=mode-strip]').waitFor()
    await settle(page, 800)
    await screenshot(page, `${target.kind}-city-dashboard-zh`)
    watch.assertClean('city dashboard')

    await page.locator('[data-test=user-menu]').click()
    await page.locator('[data-test=logout]').click()
    await page.waitForURL((url) => url.pathname === '/login')
    watch.assertClean('logout')
    await page.close()
  })

  it('says on the dashboard that the figures are unavailable when the statistics cannot be read', async () => {
    const { page, watch } = await freshPage()
    await page.route('**/api/v1/stats/**', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'statistics are being rebuilt' } }) }))
    const password = target.kind === 'server' ? ADMIN.password : 'any'
    await login(page, target.url, { username: ADMIN.username, password })
    await page.locator('[data-test=stats-unavailable]').waitFor()
    assert.equal((await page.locator('[data-test=stat-person_times] .stat-value').innerText()).trim(), '—', 'no misleading zero')
    await screenshot(page, `${target.kind}-city-dashboard-no-stats`)
    watch.problems.splice(0, watch.problems.length, ...watch.problems.filter((p) => !/HTTP 503 for GET \/api\/v1\/stats\//.test(p)))
    watch.assertClean('dashboard without statistics')
    await page.unrouteAll({ behavior: 'ignoreErrors' })
    await page.close()
  })

  it('opens every page of the navigation without errors', async () => {
    const { page, watch } = await freshPage()
    const password = target.kind === 'server' ? ADMIN.password : 'any'
    await login(page, target.url, { username: ADMIN.username, password })
    const links = await page.locator('.shell-nav [data-test^=nav-]').evaluateAll((items) => items.map((i) => i.getAttribute('data-test')))
    assert.ok(links.length >= 8, `the city administrator sees the whole navigation (${links.length})`)
    for (const link of links) {
      await page.locator(`.shell-nav [data-test=${link}]`).click()
      await settle(page, 500)
      watch.assertClean(link)
    }
    await page.close()
  })
})

if (process.env.MUSTER_BINARY === undefined) {
  // Roles other than the city administrator need accounts the stand-in API has built in.
  describe('role homes (stand-in API)', () => {
    const homes = {
      unit: '/unit',
      branch: '/branch',
      street: '/area',
      community: '/area',
      volunteer: '/my/shifts',
    }
    for (const [username, home] of Object.entries(homes)) {
      it(`${username} lands on ${home}`, async () => {
        const { page, watch } = await freshPage()
        await login(page, target.url, { username, password: 'any' })
        assert.equal(new URL(page.url()).pathname, home)
        await settle(page, 600)
        await screenshot(page, `preview-home-${username}`)
        watch.assertClean(`${username} home`)
        await page.close()
      })
    }

    it('shows the wait a 429 asks for and holds the button until then', async () => {
      const { page, watch } = await freshPage()
      await page.locator('#login-username').fill('hammer')
      await page.locator('#login-password').fill('x')
      await page.locator('[data-test=login-submit]').click()
      await page.locator('[data-test=login-error]').waitFor()
      assert.match(await page.locator('[data-test=login-error]').innerText(), /30 秒后再试/)
      assert.equal(await page.locator('[data-test=login-submit]').isDisabled(), true)
      watch.problems.splice(0, watch.problems.length, ...watch.problems.filter((p) => !/HTTP 429 for POST \/api\/v1\/session/.test(p)))
      watch.assertClean('rate limit')
      await page.close()
    })

    it('goes back to the login page when the session is gone, and returns after login', async () => {
      const { page, watch } = await freshPage()
      await login(page, target.url, { username: 'admin', password: 'any' })
      await page.goto(`${target.url}/registry/pairings`)
      await settle(page)
      await browser.context.clearCookies()
      await page.locator('.el-date-editor input').first().fill('2022-01-12')
      await page.keyboard.press('Enter')
      await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('expired') === '1')
      assert.match(await page.locator('.login-alert').first().innerText(), /登录已失效/)
      await page.locator('#login-username').fill('admin')
      await page.locator('#login-password').fill('any')
      await page.locator('[data-test=login-submit]').click()
      await page.waitForURL((url) => url.pathname === '/registry/pairings')
      watch.problems.splice(0, watch.problems.length, ...watch.problems.filter((p) => !/HTTP 401 for GET \/api\/v1\/(pairings|events)/.test(p)))
      watch.assertClean('expired session')
      await page.close()
    })

    it('sends a tab without the CSRF token to log in again before it writes', async () => {
      const { page, watch } = await freshPage()
      await login(page, target.url, { username: 'admin', password: 'any' })
      await page.evaluate(() => sessionStorage.removeItem('muster.csrf'))
      await page.reload()
      await settle(page)
      await page.locator('[data-test=mode-switch]').click()
      await page.locator('.el-dialog textarea').fill('演练')
      await page.locator('.el-dialog .el-button--danger, .el-dialog .el-button--primary').last().click()
      await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('expired') === 'csrf')
      assert.match(await page.locator('.login-alert').first().innerText(), /重新登录/)
      watch.problems.splice(0, watch.problems.length, ...watch.problems.filter((p) => !/HTTP 403 for PUT \/api\/v1\/mode/.test(p)))
      watch.assertClean('missing CSRF token')
      await page.close()
    })

    it('shows the server\'s field error next to the field it names, in Chinese', async () => {
      const { page, watch } = await freshPage()
      await login(page, target.url, { username: 'unit', password: 'any' })
      await page.goto(`${target.url}/registry/members`)
      await settle(page)
      await page.locator('[data-test=add-member]').click()
      await page.locator('#f-name').fill('王五')
      await page.locator('#f-phone').fill('12812345678')
      await page.locator('[data-test=create-submit]').click()
      const error = page.locator('.el-form-item.is-error .el-form-item__error')
      await error.first().waitFor()
      assert.equal(await error.first().innerText(), '不是大陆手机号（应以 13 到 19 开头）')
      watch.problems.splice(0, watch.problems.length, ...watch.problems.filter((p) => !/HTTP 422 for POST \/api\/v1\/members/.test(p)))
      await screenshot(page, 'preview-member-field-error')
      watch.assertClean('member form')
      await page.close()
    })

    it('shows a member\'s full details on request, saying the look is recorded', async () => {
      const { page, watch } = await freshPage()
      await login(page, target.url, { username: 'unit', password: 'any' })
      await page.goto(`${target.url}/registry/members`)
      await settle(page)
      await page.locator('[data-test=reveal-101]').click()
      const dialog = page.locator('.el-dialog', { hasText: '13812345678' })
      await dialog.waitFor()
      assert.match(await dialog.innerText(), /审计日志/)
      watch.assertClean('reveal')
      await page.close()
    })

    it('lets a volunteer sign up on a phone-sized screen', async () => {
      const phone = await launchBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 })
      try {
        const page = await phone.context.newPage()
        const watch = watchPage(page, { allow: EXPECTED })
        await login(page, target.url, { username: 'volunteer', password: 'any' })
        const button = page.locator('[data-test=signup-2]')
        await button.waitFor()
        const box = await button.boundingBox()
        assert.ok(box.height >= 44, `sign-up button is a large touch target (${box.height}px)`)
        await button.click()
        await page.locator('[data-test=view-mine].active').waitFor()
        await settle(page)
        await screenshot(page, 'preview-volunteer-signed-up')
        watch.assertClean('volunteer sign-up')
      } finally {
        await phone.close()
      }
    })

    it('shows a volunteer on a phone the demo strip and the date of a shift\'s end after midnight', async () => {
      const phone = await launchBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 })
      try {
        const page = await phone.context.newPage()
        const watch = watchPage(page, { allow: EXPECTED })
        await login(page, target.url, { username: 'demo', password: 'any' })
        const strip = page.locator('[data-test=demo-strip]')
        await strip.waitFor()
        assert.match(await strip.innerText(), /演示城市.*2022-01-01.*2022-01-16/)
        // The night shift runs 22:00 to 02:00 the next day: its end shows that day's date.
        const night = page.locator('[data-test=shift-5] .time')
        await night.waitFor()
        assert.match((await night.innerText()).trim(), /^22:00 – \d{1,2}月\d{1,2}日 02:00$/)
        assert.match((await page.locator('[data-test=shift-4] .time').innerText()).trim(), /^08:00 – 12:00$/)
        await screenshot(page, 'preview-volunteer-demo')
        watch.assertClean('demo strip on a phone')
      } finally {
        await phone.close()
      }
    })
  })
}
