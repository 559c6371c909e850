/**
 * What every browser test file shares: the built site served by the real sandbox server (one per
 * file), headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH), and the steps a
 * learner takes in the workspace. The site is built once per run: build-site.ts (Vitest's
 * global setup) starts the build while other files run, and `useBrowser`'s beforeAll waits for
 * it. Every step waits for a condition, never a time, and the waits are generous: they catch a
 * hang, not a busy machine. Screenshots go to test-results/ (gitignored).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { serveStatic } from '@hono/node-server/serve-static'
import { buildSiteIfNeeded } from '../../scripts/site-build-if-needed.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import '../../site/src/workspace/test-hook.ts'

export const root = fileURLToPath(new URL('../..', import.meta.url))
export const screenshots = join(root, 'test-results')
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The site URL of the lesson whose frontmatter says `exercise: <id>`. */
export function lessonPathFor(exerciseId: string): string {
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

export interface Viewport {
  width: number
  height: number
  /** The OS colour scheme the pages see (prefers-color-scheme); light unless said. */
  colorScheme?: 'light' | 'dark'
}

export interface BrowserTestContext {
  readonly server: TestServer
  /** A page in its own browser context (its own localStorage), with generous waits. */
  newPage(viewport?: Viewport): Promise<Page>
  /** A browser context (one learner's browser) whose pages share localStorage, as tabs do. */
  newContext(viewport?: Viewport): Promise<BrowserContext>
}

/**
 * Starts the server and the browser for this file (beforeAll) and stops them (afterAll).
 *
 * @example
 * const browser = useBrowser()
 * it('...', async () => { const page = await browser.newPage() })
 */
export function useBrowser(): BrowserTestContext {
  let server: TestServer
  let browser: Browser
  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`Chromium not found at ${chromiumPath}: install it with "sudo apt-get install -y chromium" (or set CHROMIUM_PATH).`)
    }
    // The build build-site.ts started; returns at once when site/dist is current.
    await buildSiteIfNeeded({ log: () => {} })
    const files = serveStatic({ root: join(root, 'site/dist') })
    server = await startTestServer({ app: { site: async (c) => (await files(c, async () => {})) ?? undefined } })
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    })
    mkdirSync(screenshots, { recursive: true })
    // A site build takes minutes on a busy machine: this hook waits for that work, not a clock.
  }, 30 * 60_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  async function newContext(viewport: Viewport = { width: 1280, height: 900 }) {
    // Pages go to paths ("/roles/..."): the base URL is this file's server.
    const { colorScheme = 'light', ...size } = viewport
    const context = await browser.newContext({ viewport: size, colorScheme, baseURL: server.url })
    context.setDefaultTimeout(60_000)
    return context
  }
  return {
    get server() {
      return server
    },
    newContext,
    newPage: async (viewport) => (await newContext(viewport)).newPage(),
  }
}

/** Opens the exercise's lesson and waits until the workspace (editor included) is ready. */
export async function openWorkspace(page: Page, lessonPath: string) {
  await page.goto(lessonPath)
  await waitForWorkspace(page)
}

/** Scrolls to the workspace and waits until it (editor included) is ready. */
export async function waitForWorkspace(page: Page) {
  await page.locator('#workspace').scrollIntoViewIfNeeded()
  await page.locator('[data-workspace][data-state="ready"]').waitFor()
  await page.locator('[data-ws="status"]', { hasText: 'Ready' }).waitFor()
}

/** Sends a request from the workspace's console. */
export async function send(page: Page, method: string, path: string, body = '') {
  await page.locator('#ws-method').selectOption(method)
  await page.locator('#ws-path').fill(path)
  if (body) {
    await page.locator('.ws-more summary').click()
    await page.locator('#ws-body').fill(body)
  }
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

/** The page's uncaught errors, collected as they happen (a test ends expecting none). */
export function pageErrorsOf(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  return errors
}
