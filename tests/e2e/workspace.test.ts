/**
 * The learning site in a real browser: the built site served by the real sandbox server, driven
 * by headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH). The site is built once
 * per run: build-site.ts (Vitest's global setup) starts the build while other files run, and
 * beforeAll waits for it. The editor's content is set through the page's test hook, never typed;
 * every step waits for a condition, never a time, and the waits are generous: they catch a
 * hang, not a busy machine.
 * Screenshots go to test-results/ (gitignored).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lessonPathFor, openWorkspace, root, screenshots, send, useBrowser } from './browser.ts'

const solution = readFileSync(join(root, 'exercises/crud-notes/solution.ts'), 'utf8')
const testsSolution = readFileSync(join(root, 'exercises/write-the-tests/solution.ts'), 'utf8')
const browser = useBrowser()
const newPage = () => browser.newPage()

describe('the exercise workspace', () => {
  it('runs the learner’s code, shows the database, grades it, keeps the code and survives a runaway loop', async () => {
    const page = await newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    const lessonPath = lessonPathFor('crud-notes')

    await openWorkspace(page, lessonPath)
    await page.evaluate((code) => window.__workspace!.setCode(code), solution)

    // A request from the console reaches the app, and the new row shows in the database panel.
    await send(page, 'POST', '/notes', '{"body":"Water the plants"}')
    await page.locator('[data-ws="response-status"]', { hasText: '201' }).waitFor()
    await page.locator('[data-ws="db"] table[data-table="notes"] td', { hasText: 'Water the plants' }).waitFor()
    expect(await page.locator('[data-ws="curl"]').textContent()).toMatch(/^curl -i -X POST 'http:\/\/[0-9a-f]+\.localhost:\d+\/notes'/)

    // Every check passes.
    await page.getByRole('button', { name: 'Run checks' }).click()
    await page.locator('[data-ws="checks-summary"][data-status="pass"]').waitFor()
    const checks = page.locator('[data-ws="checks"] details')
    expect(await checks.count()).toBeGreaterThan(0)
    expect(await page.locator('[data-ws="checks"] details[data-status="pass"]').count()).toBe(await checks.count())
    await page.screenshot({ path: join(screenshots, 'workspace-checks-pass.png'), fullPage: true })

    // A reload resumes with the same code.
    await page.reload()
    await page.locator('#workspace').scrollIntoViewIfNeeded()
    await page.locator('[data-workspace][data-state="ready"]').waitFor()
    expect(await page.evaluate(() => window.__workspace!.getCode())).toBe(solution)

    // An infinite loop hits the CPU limit, the learner is told so, and the page keeps working.
    const looping = solution.replace('export default app', "app.get('/loop', () => {\n  while (true) {}\n})\n\nexport default app")
    await page.evaluate((code) => window.__workspace!.setCode(code), looping)
    await send(page, 'GET', '/loop')
    const limit = page.locator('[data-ws="response"] [data-error="limit_exceeded"]')
    await limit.waitFor()
    expect(await limit.getAttribute('data-limit')).toBe('cpu')
    expect(await limit.textContent()).toMatch(/CPU/i)
    await page.screenshot({ path: join(screenshots, 'workspace-cpu-limit.png'), fullPage: true })

    await send(page, 'GET', '/notes')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    expect(pageErrors).toEqual([])
    await page.close()
  })
})

describe('replaying a failed check', () => {
  it('replays a clock-dependent failure from the keyboard: the clock move, the request, 200 where 401 was expected, and curl lines for the kept session', async () => {
    const page = await newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await openWorkspace(page, lessonPathFor('token-auth'))
    // Tokens that never expire: the expiry check fails, and only the grade's clock moved.
    const tokenSolution = readFileSync(join(root, 'exercises/token-auth/solution.ts'), 'utf8')
    const neverExpiring = tokenSolution.replace('  if (!(Number(expiresAt) > clock.now())) return undefined\n', '')
    expect(neverExpiring).not.toBe(tokenSolution)
    await page.evaluate((code) => window.__workspace!.setCode(code), neverExpiring)
    await page.getByRole('button', { name: 'Run checks' }).click()
    await page.locator('[data-ws="checks-summary"][data-status="fail"]').waitFor()

    const expiry = page.locator('[data-ws="checks"] details', { hasText: 'A token works for 15 minutes, then stops' })
    expect(await expiry.getAttribute('data-status')).toBe('fail')
    await expiry.locator('summary').focus()
    await page.keyboard.press('Enter')
    const replay = expiry.getByRole('button', { name: 'Replay this check' })
    await replay.focus()
    await page.keyboard.press('Enter')

    const steps = expiry.locator('.ws-replay-steps > li')
    await steps.first().waitFor()
    // 14 minutes on (the token still works), 2 more (it must not, and answers 200 here).
    expect(await steps.count()).toBe(4)
    expect(await steps.nth(0).getAttribute('data-step')).toBe('clock')
    expect(await steps.nth(0).textContent()).toContain('The clock moved 14 minutes on')
    expect(await steps.nth(2).textContent()).toContain('The clock moved 2 minutes on')
    expect(await steps.nth(3).getAttribute('data-step')).toBe('request')
    expect(await steps.nth(3).textContent()).toContain('GET /me')
    expect(await steps.nth(3).locator('[data-replay="status"]').textContent()).toBe('200')
    expect(await steps.nth(3).textContent()).toContain('authorization: Bearer ada.')
    // Focus moved to the replay, so a keyboard user reads on from there.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Replay')

    const curl = (await expiry.locator('[data-replay="curl"]').textContent()) ?? ''
    const kept = curl.match(/\/s\/([0-9a-f]{32})\/me/)?.[1]
    expect(kept).toBeDefined()
    expect(curl).toContain(`/api/sessions/${kept}/clock/advance`)
    expect(curl).toContain('{"ms":840000}')
    expect(curl).toContain('{"ms":120000}')
    await page.screenshot({ path: join(screenshots, 'workspace-replay.png'), fullPage: true })
    expect(pageErrors).toEqual([])
    await page.close()
  })
})

describe('JSX in the workspace', () => {
  it('type-checks JSX through hono/jsx in the editor, and the app renders it', async () => {
    const page = await newPage()
    await openWorkspace(page, lessonPathFor('crud-notes'))
    const jsx = [
      `import { Hono } from 'hono'`,
      `import type { FC } from 'hono/jsx'`,
      `const Layout: FC = (props) => <html><body>{props.children}</body></html>`,
      `const app = new Hono()`,
      `app.get('/', (c) => c.html(<Layout><h1 class="title">Hello {c.req.query('name')}</h1></Layout>))`,
      `const wrong: number = 'not a number'`,
      `export default app`,
    ].join('\n')
    await page.evaluate((code) => window.__workspace!.setCode(code), jsx)
    await page.waitForFunction(() => window.__workspace!.typeMarkers().length > 0)
    // The planted error is the only problem on any line: the JSX itself type-checks.
    const markers = await page.evaluate(() => window.__workspace!.typeMarkers())
    expect(markers).toContainEqual({ line: 6, message: "Type 'string' is not assignable to type 'number'." })
    expect(markers.filter((marker) => marker.line !== 6)).toEqual([])
    await send(page, 'GET', '/?name=Ada')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    await page.locator('[data-ws="response"]', { hasText: '<h1 class="title">Hello Ada</h1>' }).waitFor()
    await page.close()
  })
})

describe('the exercise workspace, beyond the happy path', () => {
  it('shows a compile error as a marker on its line and in the list under the editor, with line and column', async () => {
    const page = await newPage()
    await openWorkspace(page, lessonPathFor('crud-notes'))
    const broken = solution.replace('const app = new Hono()', 'const app = new Hono()\nconst total = ;')
    const line = broken.split('\n').findIndex((text) => text === 'const total = ;') + 1
    await page.evaluate((code) => window.__workspace!.setCode(code), broken)

    await send(page, 'GET', '/notes')
    const diagnostics = page.locator('[data-ws="diagnostics"]')
    await diagnostics.locator('button', { hasText: `line ${line}, column 15` }).waitFor()
    expect(await diagnostics.textContent()).toContain('Unexpected ";"')
    expect(await page.evaluate(() => window.__workspace!.serverMarkers())).toEqual([{ line, column: 15, message: 'Unexpected ";"' }])
    await page.locator('[data-ws="editor"] .squiggly-error').first().waitFor()

    // The list's entry moves the cursor to the error; fixing the code clears list and markers.
    await diagnostics.locator('button').click()
    expect(await page.evaluate(() => document.activeElement?.closest('.monaco-editor') !== null)).toBe(true)
    await page.evaluate((code) => window.__workspace!.setCode(code), solution)
    await send(page, 'GET', '/notes')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    expect(await diagnostics.isHidden()).toBe(true)
    expect(await page.evaluate(() => window.__workspace!.serverMarkers())).toEqual([])
    await page.close()
  })

  it('offers a solution to compare after a check run, and leaves the learner’s code as it was', async () => {
    const page = await newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await openWorkspace(page, lessonPathFor('crud-notes'))
    const compare = page.getByRole('button', { name: 'Compare with a solution' })
    expect(await compare.isHidden()).toBe(true)

    const mine = `${await page.evaluate(() => window.__workspace!.getCode())}\n// my own note\n`
    await page.evaluate((code) => window.__workspace!.setCode(code), mine)
    await page.getByRole('button', { name: 'Run checks' }).click()
    await page.locator('[data-ws="checks-summary"][data-status="fail"]').waitFor()

    // Hints come one at a time, the nudge first, whichever hint the failed check points at.
    const firstProblem = page.locator('[data-ws="checks"] details[open]')
    await firstProblem.getByRole('button', { name: 'Show a hint' }).click()
    await firstProblem.locator('.ws-hint[data-hint="1"]').waitFor()
    expect(await firstProblem.locator('.ws-hint').count()).toBe(1)

    await compare.click()
    await page.locator('[data-ws="comparison"] .monaco-diff-editor .editor.modified').waitFor()
    expect(await compare.getAttribute('aria-expanded')).toBe('true')
    expect(await page.locator('[data-ws="editor"]').isHidden()).toBe(true)
    expect(await page.evaluate(() => window.__workspace!.comparison())).toEqual({ original: mine, modified: solution })
    await page.screenshot({ path: join(screenshots, 'workspace-compare.png'), fullPage: true })

    // The diff has focus, so Escape closes it; the editor comes back with the learner's code.
    await page.keyboard.press('Escape')
    await page.locator('[data-ws="comparison"]').waitFor({ state: 'hidden' })
    expect(await page.locator('[data-ws="editor"] .monaco-editor').isVisible()).toBe(true)
    expect(await page.evaluate(() => window.__workspace!.getCode())).toBe(mine)
    expect(await page.evaluate(() => window.__workspace!.comparison())).toBeNull()

    // "Back to your code" closes it too, and the button survives a reload (the attempt is kept).
    await page.reload()
    await page.locator('#workspace').scrollIntoViewIfNeeded()
    await page.locator('[data-workspace][data-state="ready"]').waitFor()
    await compare.click()
    await page.locator('[data-ws="comparison"] .monaco-diff-editor').waitFor()
    await page.getByRole('button', { name: 'Back to your code' }).click()
    await page.locator('[data-ws="comparison"]').waitFor({ state: 'hidden' })
    expect(await page.evaluate(() => window.__workspace!.getCode())).toBe(mine)
    expect(pageErrors).toEqual([])
    await page.close()
  })

  it('starts a new session when the server no longer knows the old one, keeps the code and says the database was reset', async () => {
    const page = await newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await openWorkspace(page, lessonPathFor('crud-notes'))
    await page.evaluate((code) => window.__workspace!.setCode(code), solution)
    await send(page, 'GET', '/notes')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    const liveUrl = page.locator('[data-ws="live-url"]')
    const before = (await liveUrl.textContent())!
    const [sessionId] = new URL(before).hostname.split('.')

    // As if the server had restarted or swept the session away as idle.
    expect((await browser.server.api('DELETE', `/sessions/${sessionId}`)).status).toBe(204)
    await send(page, 'POST', '/notes', '{"body":"After the restart"}')
    await page.locator('[data-ws="response-status"]', { hasText: '201' }).waitFor()
    await page.locator('[data-ws="notice"]', { hasText: 'your database was reset' }).waitFor()
    expect(await liveUrl.textContent()).not.toBe(before)
    expect(await page.evaluate(() => window.__workspace!.getCode())).toBe(solution)
    expect(pageErrors).toEqual([])
    await page.close()
  })

  it('works from the keyboard: Tab reaches Send and Run checks with a visible focus ring, Ctrl+Enter sends', async () => {
    const page = await newPage()
    await openWorkspace(page, lessonPathFor('crud-notes'))
    const active = () => page.evaluate(() => document.activeElement?.getAttribute('data-ws') ?? document.activeElement?.id ?? null)
    const focusRing = () =>
      page.evaluate(() => {
        const style = getComputedStyle(document.activeElement!)
        return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) }
      })

    await page.locator('#ws-path').focus()
    await page.keyboard.press('Tab')
    expect(await active()).toBe('send')
    expect(await focusRing()).toEqual({ style: 'solid', width: 3 })

    let presses = 0
    while ((await active()) !== 'grade' && presses < 15) {
      await page.keyboard.press('Tab')
      presses += 1
    }
    expect(await active()).toBe('grade')
    expect(await focusRing()).toEqual({ style: 'solid', width: 3 })

    // Ctrl+Enter sends from the request form and from the editor.
    await page.locator('#ws-path').fill('/notes')
    await page.locator('#ws-path').press('Control+Enter')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    await page.locator('#ws-path').fill('/no-such-route')
    await page.locator('[data-ws="editor"] .view-lines').click()
    await page.keyboard.press('Control+Enter')
    await page.locator('[data-ws="response-status"]', { hasText: '404' }).waitFor()
    await page.close()
  })
})

describe('a test-writing exercise', () => {
  it('runs the learner’s tests against app.ts, shows app.ts read-only, and grades the tests against mutants', async () => {
    const page = await newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await openWorkspace(page, lessonPathFor('write-the-tests'))
    expect(await page.evaluate(() => window.__workspace!.shownFile())).toBe('app.test.ts')

    // The app under test opens read-only in its own tab; the learner's file comes back unchanged.
    const starter = await page.evaluate(() => window.__workspace!.getCode())
    await page.getByRole('tab', { name: /app\.ts/ }).click()
    expect(await page.evaluate(() => window.__workspace!.shownFile())).toBe('app.ts')
    await page.locator('[data-ws="editor"] .view-lines', { hasText: 'The sign-up API a teammate wrote' }).waitFor()
    await page.locator('[data-ws="editor"] .view-lines').click()
    await page.keyboard.type('typed into a read-only file')
    expect(await page.locator('[data-ws="editor"] .view-lines').textContent()).not.toContain('typed into a read-only file')
    await page.getByRole('tab', { name: /app\.test\.ts/ }).click()
    expect(await page.evaluate(() => window.__workspace!.getCode())).toBe(starter)

    // The editor resolves './app' and 'sandbox/test': a planted type error is the only problem it reports.
    const typeError = `${starter}\nconst wrong: number = 'not a number'\n`
    await page.evaluate((code) => window.__workspace!.setCode(code), typeError)
    await page.waitForFunction(() => window.__workspace!.typeMarkers().length > 0)
    const markers = await page.evaluate(() => window.__workspace!.typeMarkers())
    expect(markers).toContainEqual({ line: typeError.split('\n').length - 1, message: "Type 'string' is not assignable to type 'number'." })
    expect(markers.filter((marker) => marker.line !== typeError.split('\n').length - 1)).toEqual([])

    // A failing test names itself and its line, and the line button shows it in the editor.
    const failing = `${starter}\ntest('Grace is missing', async () => {\n  expect((await app.request('/users/1')).status).toBe(404)\n})\n`
    const line = failing.split('\n').findIndex((text) => text.includes('toBe(404)')) + 1
    await page.evaluate((code) => window.__workspace!.setCode(code), failing)
    await page.getByRole('button', { name: 'Run tests' }).click()
    await page.locator('[data-ws="tests-summary"][data-status="fail"]', { hasText: '1 of 2 tests pass' }).waitFor()
    const failure = page.locator('[data-ws="tests"] li[data-status="fail"]')
    expect(await failure.textContent()).toContain('expected 200 to be 404')
    await failure.getByRole('button', { name: `line ${line}` }).click()

    // The solution's tests pass (Ctrl+Shift+Enter from the editor) and catch every mutant.
    await page.evaluate((code) => window.__workspace!.setCode(code), testsSolution)
    await page.locator('[data-ws="editor"] .view-lines').click()
    await page.keyboard.press('Control+Shift+Enter')
    await page.locator('[data-ws="tests-summary"][data-status="pass"]').waitFor()
    await page.getByRole('button', { name: 'Run checks' }).click()
    await page.locator('[data-ws="checks-summary"][data-status="pass"]').waitFor()
    expect(await page.locator('[data-ws="checks"] details[data-status="pass"]').count()).toBe(8)
    await page.screenshot({ path: join(screenshots, 'workspace-tests-pass.png'), fullPage: true })

    // Editing the code marks both results as out of date until they run again.
    await page.evaluate((code) => window.__workspace!.setCode(`${code}\n// one more line\n`), testsSolution)
    await page.locator('[data-ws="checks-stale"]').waitFor()
    await page.locator('[data-ws="tests-stale"]').waitFor()
    expect(pageErrors).toEqual([])
    await page.close()
  })
})
