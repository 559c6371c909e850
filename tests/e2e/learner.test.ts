/**
 * The workspace as a new learner uses it (issue 18): a clock to move, hints for the check that
 * failed, a layout that keeps the task beside the code, two tabs that never mix, and progress
 * that can leave the browser. Real server, real isolates, headless Chromium; the editor's text
 * is set through the page's test hook, and every step waits for a condition, never a time.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lessonPathFor, openWorkspace, root, screenshots, send, useBrowser } from './browser.ts'

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
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
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
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
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
