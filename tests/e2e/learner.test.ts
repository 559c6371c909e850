/**
 * The workspace as a new learner uses it (issue 18): a clock to move, hints for the check that
 * failed, a layout that keeps the task beside the code, two tabs that never mix, and progress
 * that can leave the browser. Real server, real isolates, headless Chromium; the editor's text
 * is set through the page's test hook, and every step waits for a condition, never a time.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lessonPathFor, openWorkspace, pageErrorsOf, root, screenshots, send, useBrowser } from './browser.ts'

const browser = useBrowser()

/** An app that answers the time it sees and logs a line. */
const clockApp = `import { Hono } from 'hono'
import { clock, log } from 'sandbox'

const app = new Hono()
app.get('/now', (c) => {
  log.info('asked the time')
  return c.json({ now: Date.now(), clock: clock.now() })
})
export default app
`

describe('the clock panel', () => {
  it('moves the app’s clock forward, shows it in responses and logs, and goes back to real time', async () => {
    const page = await browser.newPage()
    const pageErrors = pageErrorsOf(page)
    await openWorkspace(page, lessonPathFor('login-lockout'))
    await page.evaluate((code) => window.__workspace!.setCode(code), clockApp)
    const offset = page.locator('[data-ws="clock-offset"]')
    await offset.filter({ hasText: 'real time' }).waitFor()
    expect(await page.getByRole('button', { name: 'Back to real time' }).isDisabled()).toBe(true)

    await page.getByRole('button', { name: '+1 day' }).click()
    await offset.filter({ hasText: '1 day ahead of real time' }).waitFor()
    await page.getByRole('button', { name: '+1 h' }).click()
    await page.getByRole('button', { name: '+15 min' }).click()
    await page.getByRole('button', { name: '+1 min' }).click()
    await offset.filter({ hasText: '1 day 1 h 16 min ahead of real time' }).waitFor()

    // The app sees the moved time in clock.now() and Date.now(); the response and its log say so.
    const sentAt = Date.now()
    await send(page, 'GET', '/now')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    const seen = JSON.parse((await page.locator('[data-ws="response-body"]').textContent())!)
    const ahead = (24 * 60 + 76) * 60_000
    expect(seen.clock).toBeGreaterThanOrEqual(sentAt + ahead)
    expect(seen.now).toBeGreaterThanOrEqual(sentAt + ahead)
    expect(await page.locator('[data-ws="response-clock"]').textContent()).toContain('1 day 1 h 16 min ahead of real time')
    const logTime = await page.locator('[data-ws="response"] .ws-logs time').getAttribute('datetime')
    expect(Date.parse(logTime!)).toBeGreaterThanOrEqual(sentAt + ahead)
    expect(await page.locator('.ws-clock-note').innerText()).toContain('Timers (setTimeout, setInterval) still run on real time')
    await page.locator('.ws-clock').screenshot({ path: join(screenshots, 'learner-clock.png') })

    // The clock is the session's: a reload finds it where it was. Back to real time resets it.
    await page.reload()
    await page.locator('#workspace').scrollIntoViewIfNeeded()
    await offset.filter({ hasText: '1 day 1 h 16 min ahead' }).waitFor()
    await page.getByRole('button', { name: 'Back to real time' }).click()
    await offset.filter({ hasText: '(real time)' }).waitFor()
    await page.locator('[data-ws="status"]', { hasText: 'back to real time' }).waitFor()
    await send(page, 'GET', '/now')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    expect(await page.locator('[data-ws="response-clock"]').count()).toBe(0)
    const after = JSON.parse((await page.locator('[data-ws="response-body"]').textContent())!)
    expect(after.clock).toBeLessThan(Date.now() + 60_000)
    expect(pageErrors).toEqual([])
    await page.close()
  })
})

describe('hints by check', () => {
  it('offers the failing check’s own hints first, one at a time, then the general ones', async () => {
    const page = await browser.newPage()
    const pageErrors = pageErrorsOf(page)
    await openWorkspace(page, lessonPathFor('cache-with-ttl'))
    // The cache works, but a new order does not invalidate it: only that check fails.
    const solution = readFileSync(join(root, 'exercises/cache-with-ttl/solution.ts'), 'utf8')
    const noInvalidation = solution.replace(/^\s*cache\.delete\(REPORT_KEY\)\n/m, '')
    expect(noInvalidation).not.toBe(solution)
    await page.evaluate((code) => window.__workspace!.setCode(code), noInvalidation)
    await page.getByRole('button', { name: 'Run checks' }).click()
    await page.locator('[data-ws="checks-summary"][data-status="fail"]').waitFor()
    const failed = page.locator('[data-ws="checks"] details[data-status="fail"]')
    expect(await failed.count()).toBe(1)
    expect(await failed.locator('summary').textContent()).toContain('POST /orders invalidates the cached report')

    await failed.getByRole('button', { name: 'Show a hint' }).click()
    const shown = failed.locator('.ws-hint')
    await shown.nth(0).waitFor()
    expect(await shown.count()).toBe(1)
    expect(await shown.nth(0).getAttribute('data-hint-for')).toBe('check')
    expect(await shown.nth(0).locator('h4').textContent()).toBe('Your cache already works; this is about writes')

    await failed.getByRole('button', { name: /Show the next hint \(2 of 5\)/ }).click()
    expect(await shown.nth(1).locator('h4').textContent()).toBe('Delete the key where the write happens')
    await failed.getByRole('button', { name: /Show the next hint \(3 of 5\)/ }).click()
    expect(await shown.nth(2).getAttribute('data-hint-for')).toBe('general')
    expect(await shown.nth(2).locator('h4').textContent()).toBe('A nudge')
    await failed.screenshot({ path: join(screenshots, 'learner-hints-by-check.png') })
    expect(pageErrors).toEqual([])
    await page.close()
  })
})

/** An app with a table of 120 rows, made when the code loads. */
const manyRowsApp = `import { Hono } from 'hono'
import { db } from 'sandbox'

db.run('CREATE TABLE IF NOT EXISTS readings (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)')
if (db.get<{ n: number }>('SELECT count(*) AS n FROM readings')!.n === 0) {
  for (let value = 1; value <= 120; value++) db.run('INSERT INTO readings (value) VALUES (?)', [value])
}
const app = new Hono()
app.get('/', (c) => c.json({ ok: true }))
export default app
`

describe('the layout and the small things a new learner tripped on', () => {
  it('puts the lesson text beside the workspace on a wide screen, with a split the keyboard resizes', async () => {
    const page = await browser.newPage({ width: 1600, height: 1000 })
    const pageErrors = pageErrorsOf(page)
    await openWorkspace(page, lessonPathFor('first-route'))
    await page.evaluate(() => window.scrollTo(0, 0))
    const title = (await page.locator('h1').boundingBox())!
    const editor = (await page.locator('[data-ws="editor"]').boundingBox())!
    expect(title.x + title.width).toBeLessThanOrEqual(editor.x)
    expect(editor.y).toBeLessThan(1000)

    const handle = page.getByRole('separator', { name: 'Resize the lesson text beside the exercise' })
    const textWidth = async () => (await page.locator('#lesson-text').boundingBox())!.width
    const before = await textWidth()
    await handle.focus()
    for (let press = 0; press < 3; press++) await page.keyboard.press('ArrowRight')
    expect(await handle.getAttribute('aria-valuenow')).toBe('44')
    expect(await textWidth()).toBeGreaterThan(before)
    await page.keyboard.press('End')
    expect(await handle.getAttribute('aria-valuenow')).toBe('60')
    await page.keyboard.press('Home')
    expect(await handle.getAttribute('aria-valuenow')).toBe('25')
    await page.keyboard.press('PageUp')
    await page.screenshot({ path: join(screenshots, 'learner-wide-split.png') })

    // The headings come in order: the h1 first, and no level is skipped on the way down.
    const levels = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((heading) => Number(heading.tagName[1])))
    expect(levels[0]).toBe(1)
    expect(levels.filter((level, index) => index > 0 && level > levels[index - 1]! + 1)).toEqual([])
    // A reload keeps the width.
    await page.reload()
    expect(await page.getByRole('separator').getAttribute('aria-valuenow')).toBe('35')
    expect(pageErrors).toEqual([])
    await page.close()
  })

  it('offers Start on the home page, and Continue to the lesson opened last', async () => {
    const page = await browser.newPage({ width: 390, height: 844 })
    await page.goto('/')
    const start = page.getByRole('link', { name: /^Start: / })
    expect(await start.isVisible()).toBe(true)
    // On a phone, the way into the first lesson is on the first screen.
    expect((await start.boundingBox())!.y + (await start.boundingBox())!.height).toBeLessThan(844)
    expect(await page.getByRole('link', { name: /^Continue/ }).count()).toBe(0)
    await start.click()
    await page.waitForURL(/\/roles\//)

    await page.goto(lessonPathFor('cache-with-ttl'))
    const title = await page.locator('h1').textContent()
    await page.goto('/')
    const resume = page.getByRole('link', { name: `Continue: ${title}` })
    await resume.click()
    await page.waitForURL(`**${lessonPathFor('cache-with-ttl')}`)
    await page.close()
  })

  it('pages through a table, clears the status line on an edit, and lets Ctrl+M and the checkbox agree', async () => {
    const page = await browser.newPage()
    const pageErrors = pageErrorsOf(page)
    await openWorkspace(page, lessonPathFor('crud-notes'))
    await page.evaluate((code) => window.__workspace!.setCode(code), manyRowsApp)
    await send(page, 'GET', '/')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()

    // 120 rows, 50 a page.
    const table = page.locator('[data-db-table="readings"]')
    await table.locator('caption', { hasText: 'readings (120 rows, 1–50 shown)' }).waitFor()
    await table.getByRole('button', { name: 'Next' }).click()
    await table.locator('caption', { hasText: '51–100 shown' }).waitFor()
    expect(await table.locator('tbody tr').first().locator('td').nth(1).textContent()).toBe('51')
    await table.getByRole('button', { name: 'Next' }).click()
    await table.locator('caption', { hasText: '101–120 shown' }).waitFor()
    expect(await table.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true)
    // The page survives a refresh; Previous goes back.
    await page.getByRole('button', { name: 'Refresh' }).click()
    await table.locator('caption', { hasText: '101–120 shown' }).waitFor()
    await table.getByRole('button', { name: 'Previous' }).click()
    await table.locator('caption', { hasText: '51–100 shown' }).waitFor()

    // "Does not compile" is about the code before the edit: the edit clears it at once.
    await page.evaluate((code) => window.__workspace!.setCode(code.replace('const app', 'const app = ;\nconst other')), manyRowsApp)
    await send(page, 'GET', '/')
    const status = page.locator('[data-ws="status"]')
    await status.filter({ hasText: 'does not compile' }).waitFor()
    await page.evaluate((code) => window.__workspace!.setCode(code), manyRowsApp)
    expect(await status.textContent()).toBe('Edited. Send a request or run the checks to try your change.')
    expect(await status.getAttribute('data-kind')).toBe('info')

    // How to leave the editor is on the page; Ctrl+M in the editor ticks the checkbox, and Tab then leaves.
    const keys = page.locator('[data-ws="editor-keys"]')
    expect(await keys.isVisible()).toBe(true)
    expect(await keys.textContent()).toContain('Ctrl+M')
    const checkbox = page.getByRole('checkbox', { name: 'Tab key moves focus' })
    expect(await checkbox.isChecked()).toBe(false)
    await page.locator('[data-ws="editor"] .view-lines').click()
    await page.keyboard.press('Control+m')
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-ws="tab-focus"]')!.checked)
    expect(await keys.textContent()).toContain('Tab moves the focus out of the editor')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.closest('.monaco-editor') === null)).toBe(true)
    expect(await page.evaluate(() => window.__workspace!.getCode())).toBe(manyRowsApp)
    // The checkbox turns it off again, and the editor follows: Tab types again.
    await checkbox.uncheck()
    await page.locator('[data-ws="editor"] .view-lines').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.closest('.monaco-editor') !== null)).toBe(true)
    expect(await page.evaluate(() => window.__workspace!.getCode())).not.toBe(manyRowsApp)
    expect(pageErrors).toEqual([])
    await page.close()
  })
})

describe('two tabs on one exercise', () => {
  it('lets one tab work at a time, hands over only when asked, and grades exactly the code on screen', async () => {
    const solution = readFileSync(join(root, 'exercises/crud-notes/solution.ts'), 'utf8')
    const context = await browser.newContext()
    const first = await context.newPage()
    const errors = pageErrorsOf(first)
    await openWorkspace(first, lessonPathFor('crud-notes'))
    const mine = `${await first.evaluate(() => window.__workspace!.getCode())}\n// written in the first tab\n`
    await first.evaluate((code) => window.__workspace!.setCode(code), mine)

    // The second tab is told, and waits read-only: it sends nothing and changes no code.
    const second = await context.newPage()
    const secondErrors = pageErrorsOf(second)
    await second.goto(lessonPathFor('crud-notes'))
    await second.locator('#workspace').scrollIntoViewIfNeeded()
    await second.locator('[data-workspace][data-tab="waiting"][data-state="ready"]').waitFor()
    const notice = second.locator('[data-ws="tab-notice"]')
    expect(await notice.textContent()).toContain('open in another tab')
    expect(await second.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true)
    expect(await second.getByRole('button', { name: 'Run checks' }).isDisabled()).toBe(true)
    expect(await second.getByRole('button', { name: '+1 h' }).isDisabled()).toBe(true)
    await second.locator('[data-ws="editor"] .view-lines').click()
    await second.keyboard.type('typed in the waiting tab')
    expect(await second.evaluate(() => window.__workspace!.getCode())).toBe(mine)
    expect(await first.locator('[data-workspace]').getAttribute('data-tab')).toBe('working')

    // Taking over: the second tab works, with the first tab's latest code; the first one waits.
    await notice.getByRole('button', { name: 'Work in this tab' }).click()
    await second.locator('[data-workspace][data-tab="working"]').waitFor()
    await first.locator('[data-workspace][data-tab="waiting"]').waitFor()
    expect(await first.locator('[data-ws="tab-notice"]').textContent()).toContain('You went on working in another tab')
    expect(await second.evaluate(() => window.__workspace!.getCode())).toBe(mine)
    await second.evaluate((code) => window.__workspace!.setCode(code), solution)
    await send(second, 'POST', '/notes', '{"body":"From the second tab"}')
    await second.locator('[data-ws="response-status"]', { hasText: '201' }).waitFor()

    // Back in the first tab, by choice: it now shows the second tab's code, and grades that.
    await first.getByRole('button', { name: 'Work in this tab' }).click()
    await first.locator('[data-workspace][data-tab="working"]').waitFor()
    await second.locator('[data-workspace][data-tab="waiting"]').waitFor()
    expect(await first.evaluate(() => window.__workspace!.getCode())).toBe(solution)
    await first.getByRole('button', { name: 'Run checks' }).click()
    await first.locator('[data-ws="checks-summary"][data-status="pass"]').waitFor()

    // Other code reaches the session behind the page's back: the grade still grades the code on screen.
    const [sessionId] = new URL((await first.locator('[data-ws="live-url"]').textContent())!).hostname.split('.')
    const starter = readFileSync(join(root, 'exercises/crud-notes/starter.ts'), 'utf8')
    expect((await browser.server.api('PUT', `/sessions/${sessionId}/code`, { code: starter })).status).toBe(200)
    await first.getByRole('button', { name: 'Run checks' }).click()
    await first.locator('[data-ws="checks-summary"][data-status="pass"]').waitFor()
    await first.screenshot({ path: join(screenshots, 'learner-two-tabs-first.png') })
    await second.screenshot({ path: join(screenshots, 'learner-two-tabs-second.png') })
    // The working tab leaving the exercise tells the waiting one, which still waits for the learner's choice.
    await first.goto('/')
    await second.locator('[data-ws="tab-notice"]', { hasText: 'was closed or left' }).waitFor()
    expect(await second.locator('[data-workspace]').getAttribute('data-tab')).toBe('waiting')
    expect([...errors, ...secondErrors]).toEqual([])
    await context.close()
  })
})

describe('progress in a file', () => {
  it('saves code and progress to a file and loads it into another browser, asking before it replaces code', async () => {
    const lessonPath = lessonPathFor('crud-notes')
    const lessonKey = lessonPath.split('/').filter(Boolean).slice(1).join('/')
    const mine = `${readFileSync(join(root, 'exercises/crud-notes/starter.ts'), 'utf8')}\n// my notes API, written on the old laptop\n`
    const old = await browser.newPage()
    const errors = pageErrorsOf(old)
    await openWorkspace(old, lessonPath)
    await old.evaluate((code) => window.__workspace!.setCode(code), mine)

    await old.goto('/')
    const [download] = await Promise.all([old.waitForEvent('download'), old.getByRole('button', { name: 'Save my progress to a file' }).click()])
    expect(download.suggestedFilename()).toMatch(/^backend-sandbox-progress-\d{4}-\d{2}-\d{2}\.json$/)
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8'))
    expect(saved).toMatchObject({ format: 'backend-sandbox-progress', version: 1, progress: { [lessonKey]: 'started' } })
    expect(saved.exercises['crud-notes'].code).toBe(mine)
    expect(JSON.stringify(saved)).not.toContain('sessionId')
    const file = { name: 'progress.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) }

    // Another browser: nothing there yet, so everything loads.
    const fresh = await browser.newPage()
    const freshErrors = pageErrorsOf(fresh)
    await fresh.goto('/')
    const result = fresh.locator('[data-progress-result]')
    await fresh.locator('#progress-load').setInputFiles({ ...file, buffer: Buffer.from('{"hello":"world"}') })
    await result.filter({ hasText: 'not a progress file' }).waitFor()
    await fresh.locator('#progress-load').setInputFiles(file)
    await result.filter({ hasText: 'Loaded:' }).waitFor()
    expect(await fresh.locator(`[data-progress-for="${lessonKey}"]`).first().textContent()).toBe('Started')
    await openWorkspace(fresh, lessonPath)
    expect(await fresh.evaluate(() => window.__workspace!.getCode())).toBe(mine)

    // Other code here: loading asks, keeps it when told to, and replaces it (recoverably) when told to.
    const newer = `${mine}// changed on the new laptop\n`
    await fresh.evaluate((code) => window.__workspace!.setCode(code), newer)
    await fresh.goto('/')
    await fresh.locator('#progress-load').setInputFiles(file)
    const conflicts = fresh.locator('[data-progress-conflicts]')
    await conflicts.filter({ hasText: 'crud-notes' }).waitFor()
    await fresh.getByRole('button', { name: 'Keep the code in this browser' }).click()
    await result.filter({ hasText: 'was kept' }).waitFor()
    await fresh.locator('#progress-load').setInputFiles(file)
    await fresh.getByRole('button', { name: 'Use the file’s code' }).click()
    await result.filter({ hasText: 'Undo reset' }).waitFor()
    await fresh.screenshot({ path: join(screenshots, 'learner-progress-file.png'), fullPage: true })
    await openWorkspace(fresh, lessonPath)
    expect(await fresh.evaluate(() => window.__workspace!.getCode())).toBe(mine)
    await fresh.getByRole('button', { name: 'Undo reset' }).click()
    expect(await fresh.evaluate(() => window.__workspace!.getCode())).toBe(newer)
    expect([...errors, ...freshErrors]).toEqual([])
  })
})
