/**
 * The learning site in a real browser: the built site served by the real sandbox server, driven
 * by headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH). The editor's content is
 * set through the page's test hook, never typed; every step waits for a condition, never a time.
 * Screenshots go to test-results/ (gitignored).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { serveStatic } from '@hono/node-server/serve-static'
import { buildSiteIfNeeded } from '../../scripts/site-build-if-needed.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

declare global {
  interface Window {
    /** The workspace's test hook (site/src/workspace/workspace.ts). */
    __workspace?: { setCode(text: string): void; getCode(): string }
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const screenshots = join(root, 'test-results')
const solution = readFileSync(join(root, 'exercises/crud-notes/solution.ts'), 'utf8')

/** The site URL of the lesson whose frontmatter says `exercise: <id>`. */
function lessonPathFor(exerciseId: string): string {
  const lessonsDir = join(root, 'lessons')
  for (const role of readdirSync(lessonsDir)) {
    if (!existsSync(join(lessonsDir, role)) || role.includes('.')) continue
    for (const lesson of readdirSync(join(lessonsDir, role))) {
      const file = join(lessonsDir, role, lesson, 'lesson.md')
      if (!existsSync(file)) continue
      if (new RegExp(`^exercise:\\s*["']?${exerciseId}["']?\\s*$`, 'm').test(readFileSync(file, 'utf8'))) {
        return `/roles/${role.replace(/^\d+-/, '')}/${lesson.replace(/^\d+-/, '')}/`
      }
    }
  }
  throw new Error(`no lesson under lessons/ has "exercise: ${exerciseId}"`)
}

let server: TestServer
let browser: Browser

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: install it with "sudo apt-get install -y chromium" (or set CHROMIUM_PATH).`)
  }
  await buildSiteIfNeeded({ log: () => {} })
  const files = serveStatic({ root: join(root, 'site/dist') })
  server = await startTestServer({ app: { site: async (c) => (await files(c, async () => {})) ?? undefined } })
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
  mkdirSync(screenshots, { recursive: true })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Opens the exercise's lesson and waits until the workspace (editor included) is ready. */
async function openWorkspace(page: Page, lessonPath: string) {
  await page.goto(`${server.url}${lessonPath}`)
  await page.locator('#workspace').scrollIntoViewIfNeeded()
  await page.locator('[data-workspace][data-state="ready"]').waitFor({ timeout: 30_000 })
  await page.locator('[data-ws="status"]', { hasText: 'Ready' }).waitFor()
}

async function send(page: Page, method: string, path: string, body = '') {
  await page.locator('#ws-method').selectOption(method)
  await page.locator('#ws-path').fill(path)
  if (body) {
    await page.locator('.ws-more summary').click()
    await page.locator('#ws-body').fill(body)
  }
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

describe('the exercise workspace', () => {
  it('runs the learner’s code, shows the database, grades it, keeps the code and survives a runaway loop', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    const lessonPath = lessonPathFor('crud-notes')

    await openWorkspace(page, lessonPath)
    await page.evaluate((code) => window.__workspace!.setCode(code), solution)

    // A request from the console reaches the app, and the new row shows in the database panel.
    await send(page, 'POST', '/notes', '{"body":"Water the plants"}')
    await page.locator('[data-ws="response-status"]', { hasText: '201' }).waitFor()
    await page.locator('[data-ws="db"] table[data-table="notes"] td', { hasText: 'Water the plants' }).waitFor()
    expect(await page.locator('[data-ws="curl"]').textContent()).toMatch(/^curl -i -X POST http:\/\/[0-9a-f]+\.localhost:\d+\/notes/)

    // Every check passes.
    await page.getByRole('button', { name: 'Run checks' }).click()
    await page.locator('[data-ws="checks-summary"][data-status="pass"]').waitFor({ timeout: 30_000 })
    const checks = page.locator('[data-ws="checks"] details')
    expect(await checks.count()).toBeGreaterThan(0)
    expect(await page.locator('[data-ws="checks"] details[data-status="pass"]').count()).toBe(await checks.count())
    await page.screenshot({ path: join(screenshots, 'workspace-checks-pass.png'), fullPage: true })

    // A reload resumes with the same code.
    await page.reload()
    await page.locator('#workspace').scrollIntoViewIfNeeded()
    await page.locator('[data-workspace][data-state="ready"]').waitFor({ timeout: 30_000 })
    expect(await page.evaluate(() => window.__workspace!.getCode())).toBe(solution)

    // An infinite loop hits the CPU limit, the learner is told so, and the page keeps working.
    const looping = solution.replace('export default app', "app.get('/loop', () => {\n  while (true) {}\n})\n\nexport default app")
    await page.evaluate((code) => window.__workspace!.setCode(code), looping)
    await send(page, 'GET', '/loop')
    const limit = page.locator('[data-ws="response"] [data-error="limit_exceeded"]')
    await limit.waitFor({ timeout: 15_000 })
    expect(await limit.getAttribute('data-limit')).toBe('cpu')
    expect(await limit.textContent()).toMatch(/CPU/i)
    await page.screenshot({ path: join(screenshots, 'workspace-cpu-limit.png'), fullPage: true })

    await send(page, 'GET', '/notes')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    expect(pageErrors).toEqual([])
    await page.close()
  }, 120_000)
})
