// Browser test harness: Debian's Chromium driven by playwright-core, against either the real
// server (MUSTER_BINARY) or `vite preview` of web/dist in front of the stand-in API.
//
//   MUSTER_BINARY=/path/to/muster  the server to test: `muster init`, `muster user add` and
//                                  `muster serve --db DB --listen 127.0.0.1:0` on a temporary database
//   MUSTER_WEB                     the built interface the server serves (default web/dist)
//   CHROMIUM                       the browser (default /usr/bin/chromium)
//   E2E_ARTIFACTS                  where screenshots of failing and passing checks go
//                                  (default web/e2e/artifacts)
//   E2E_ALLOW_MISSING=1            any 404 from an /api/v1 route is printed instead of failing
//                                  the check (by hand, while a route is being built)
import { spawn, execFile } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile, access } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'
import { startMockApi } from './mock-api.mjs'

const run = promisify(execFile)
export const WEB_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)))
export const ARTIFACTS = process.env.E2E_ARTIFACTS || join(WEB_DIR, 'e2e', 'artifacts')
export const ADMIN = { username: 'admin', password: 'e2e-Admin-password-1' }

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--lang=zh-CN', '--font-render-hinting=none']

/**
 * Launches headless Chromium with a fresh profile in a temporary directory. Returns
 * {context, close}; `context` is a Playwright BrowserContext (pages via context.newPage()).
 */
export async function launchBrowser({ viewport = { width: 1366, height: 860 }, locale = 'zh-CN', isMobile = false, deviceScaleFactor = 1 } = {}) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium'
  try {
    await access(executablePath)
  } catch {
    throw new Error(`${executablePath} is missing: install Debian's chromium (apt-get install -y chromium, or scripts/setup.sh)`)
  }
  const profile = await mkdtemp(join(tmpdir(), 'muster-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    locale,
    timezoneId: 'Asia/Shanghai',
    isMobile,
    hasTouch: isMobile,
    deviceScaleFactor,
  })
  return {
    context,
    close: async () => {
      await context.close().catch(() => {})
      await rm(profile, { recursive: true, force: true })
    },
  }
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => done(port))
    })
  })
}

// Waits for a line of the child's stdout that `match` accepts; rejects on exit or after `ms`.
function waitForLine(child, match, ms, what) {
  return new Promise((done, fail) => {
    let seen = ''
    const timer = setTimeout(() => fail(new Error(`${what} printed no address within ${ms} ms; output so far:\n${seen}`)), ms)
    const onData = (chunk) => {
      seen += chunk.toString()
      for (const line of seen.split('\n')) {
        const found = match(line)
        if (found) {
          clearTimeout(timer)
          child.stdout.off('data', onData)
          done(found)
          return
        }
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk) => (seen += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`${what} exited (${code}) before printing its address:\n${seen}`))
    })
  })
}

function stopChild(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      done()
    })
    child.kill('SIGTERM')
  })
}

/** Returns "http://host:port" from a line of `muster serve` output, or null. */
export function parseListenUrl(line) {
  const url = /(https?:\/\/[\w.\-[\]:]+:\d+)/.exec(line)
  if (url) return url[1].replace('//0.0.0.0:', '//127.0.0.1:')
  const bare = /\b(127\.0\.0\.1|localhost|\[::1\]):(\d+)\b/.exec(line)
  return bare ? `http://${bare[1]}:${bare[2]}` : null
}

/**
 * Starts the real server on a temporary database with one city administrator (ADMIN).
 * Returns {url, close, dir}.
 */
export async function startServer(binary = process.env.MUSTER_BINARY) {
  if (!binary) throw new Error('MUSTER_BINARY is not set')
  const dir = await mkdtemp(join(tmpdir(), 'muster-e2e-'))
  const db = join(dir, 'muster.db')
  const passwordFile = join(dir, 'admin.password')
  await writeFile(passwordFile, `${ADMIN.password}\n`, { mode: 0o600 })
  const env = { ...process.env, MUSTER_WEB: process.env.MUSTER_WEB || join(WEB_DIR, 'dist') }
  await run(binary, ['init', '--db', db], { env })
  await run(binary, ['user', 'add', '--db', db, '--username', ADMIN.username, '--role', 'city_admin', '--password-file', passwordFile], { env })
  const child = spawn(binary, ['serve', '--db', db, '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const url = await waitForLine(child, parseListenUrl, 20000, 'muster serve').catch(async (error) => {
    await stopChild(child)
    throw error
  })
  return {
    url,
    dir,
    binary,
    close: async () => {
      await stopChild(child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Serves web/dist with `vite preview` (the server's Content-Security-Policy included) in front of
 * the stand-in API. Returns {url, api, close}. Build first (npm run build).
 */
export async function startPreview() {
  try {
    await access(join(WEB_DIR, 'dist', 'index.html'))
  } catch {
    throw new Error('web/dist is missing: run npm run build first')
  }
  const api = await startMockApi(0)
  const port = await freePort()
  const vite = join(WEB_DIR, 'node_modules', 'vite', 'bin', 'vite.js')
  const child = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: WEB_DIR,
    env: { ...process.env, MUSTER_API: api.url, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await waitForLine(child, (line) => (/Local:\s+http/.test(line) ? `http://127.0.0.1:${port}` : null), 30000, 'vite preview').catch(async (error) => {
    await stopChild(child)
    await api.close()
    throw error
  })
  return {
    url,
    api,
    close: async () => {
      await stopChild(child)
      await api.close()
    },
  }
}

/** The target of a run: the real server when MUSTER_BINARY is set, else the preview. */
export async function startTarget() {
  if (process.env.MUSTER_BINARY) return { kind: 'server', ...(await startServer()) }
  return { kind: 'preview', ...(await startPreview()) }
}

/**
 * Records what would make a page fail: console errors, uncaught page errors, failed requests and
 * answers with status >= 400 that the check did not expect. `allow` lists [method, path regexp,
 * status] triples that may happen (a probe of /api/v1/me before login answers 401).
 */
export function watchPage(page, { allow = [] } = {}) {
  const problems = []
  const allowed = (method, url, status) => {
    const path = new URL(url).pathname
    return allow.some(([m, re, s]) => (m === '*' || m === method) && re.test(path) && (s === '*' || s === status))
  }
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    // Network failures are judged from the answers below, where expected ones can be allowed.
    if (/^Failed to load resource/.test(msg.text())) return
    problems.push(`console error: ${msg.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  const missingAllowed = process.env.E2E_ALLOW_MISSING === '1'
  page.on('response', (response) => {
    const status = response.status()
    if (status < 400) return
    const request = response.request()
    if (missingAllowed && status === 404 && new URL(response.url()).pathname.startsWith('/api/v1/')) {
      console.log(`# not there yet: ${request.method()} ${new URL(response.url()).pathname}`)
      return
    }
    if (!allowed(request.method(), response.url(), status)) problems.push(`HTTP ${status} for ${request.method()} ${new URL(response.url()).pathname}`)
  })
  page.on('requestfailed', (request) => {
    const failure = request.failure()
    const text = failure ? failure.errorText : ''
    // Streams and navigations cut short by the next navigation are not failures.
    if (/ERR_ABORTED/.test(text)) return
    problems.push(`request failed: ${request.method()} ${request.url()} ${text}`)
  })
  return {
    problems,
    assertClean(label = '') {
      if (problems.length) throw new Error(`${label ? `${label}: ` : ''}page problems:\n  ${problems.join('\n  ')}`)
    },
    clear() {
      problems.length = 0
    },
  }
}

/** The answers a page may meet in normal use without it being a failure. */
export const EXPECTED = [['GET', /^\/api\/v1\/me$/, 401]]

/** Logs in through the form and waits for the role's home page. */
export async function login(page, baseUrl, { username, password }) {
  await page.goto(`${baseUrl}/login`)
  await page.locator('#login-username').fill(username)
  await page.locator('#login-password').fill(password)
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15000 }), page.locator('[data-test=login-submit]').click()])
  await settle(page)
}

/** Waits until the network is quiet and Vue has drawn (event streams never go quiet: bounded). */
export async function settle(page, ms = 400) {
  await page.waitForLoadState('domcontentloaded')
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'), null, { timeout: 10000 }).catch(() => {})
  await page.waitForTimeout(ms)
}

/** Switches the interface's language through the header control. */
export async function chooseLanguage(page, locale) {
  await page.locator(`:is(.lang-switch [data-locale="${locale}"], .lang-toggle[data-locale="${locale}"]) >> visible=true`).first().click()
  await page.waitForFunction((l) => document.documentElement.lang === l, locale)
}

/** Saves a full-page screenshot under `dir` (created) and returns its path. */
export async function screenshot(page, name, dir = ARTIFACTS) {
  await mkdir(dir, { recursive: true })
  await page.mouse.move(0, 0) // no hover effect where the last click was
  const path = join(dir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
