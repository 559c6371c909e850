/**
 * The request inspector in a real browser: a request sent to the learner's live URL from outside
 * the page (Node's fetch from this test, as curl would) appears in the workspace as it happens,
 * with its response and logs, beside the console's own requests, the lines the code logged while
 * loading and a timer's line after its response. Waits for conditions, never a time.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lessonPathFor, openWorkspace, pageErrorsOf, screenshots, send, useBrowser } from './browser.ts'

const browser = useBrowser()

const APP = `import { Hono } from 'hono'
const app = new Hono()
console.log('loading the inspector app')
app.get('/', (c) => c.text('home'))
app.get('/greet/:name', (c) => {
  console.log('greeting', c.req.param('name'))
  setTimeout(() => console.log('a timer after greeting', c.req.param('name')), 20)
  return c.json({ hello: c.req.param('name') })
})
export default app
`

describe('the request inspector', () => {
  it('shows a request sent to the live URL from outside, with its response and logs, and the timer’s line after it', async () => {
    const page = await browser.newPage()
    const errors = pageErrorsOf(page)
    await openWorkspace(page, lessonPathFor('first-route'))
    const inspector = page.locator('[data-ws="inspector"]')
    await inspector.locator('[data-ws="inspector-state"]', { hasText: 'Live' }).waitFor()

    // The console's request loads the code first: the load's line and the request both appear.
    await page.evaluate((code) => window.__workspace!.setCode(code), APP)
    await send(page, 'GET', '/')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    await inspector.locator('details[data-source="load"]', { hasText: 'Loading your code logged 1 line' }).waitFor()
    await inspector.locator('details[data-kind="request"] summary', { hasText: 'console' }).first().waitFor()

    // "curl": a request from outside the page, to the live URL's path form on the same server.
    const liveUrl = await page.locator('[data-ws="live-url"]').textContent()
    const sessionId = new URL(liveUrl!).hostname.split('.')[0]
    const outside = await fetch(`${browser.server.url}/s/${sessionId}/greet/curl`)
    expect(await outside.json()).toEqual({ hello: 'curl' })

    const row = inspector.locator('details[data-kind="request"]', { hasText: '/greet/curl' })
    await row.waitFor()
    expect(await row.locator('summary').textContent()).toMatch(/GET\s+\/greet\/curl\s+200\s+live URL/)
    // Opened from the keyboard: the request, the response and its log line.
    await row.locator('summary').focus()
    await page.keyboard.press('Enter')
    await row.locator('pre', { hasText: '{"hello":"curl"}' }).waitFor()
    expect(await row.locator('.ws-logs').textContent()).toContain('greeting curl')

    // The timer's line, written after the response went, is a row of its own.
    await inspector.locator('details[data-source="background"]', { hasText: 'Logged outside a request' }).first().waitFor()
    await inspector.locator('details[data-source="background"]').first().locator('summary').click()
    expect(await inspector.locator('details[data-source="background"]').first().locator('.ws-logs').textContent()).toContain(
      'a timer after greeting curl',
    )

    await inspector.screenshot({ path: join(screenshots, 'workspace-inspector.png') })

    // Clear empties the list; the next request appears again.
    await inspector.getByRole('button', { name: 'Clear' }).click()
    expect(await inspector.locator('[data-ws="inspector-list"] > li').count()).toBe(0)
    await fetch(`${browser.server.url}/s/${sessionId}/greet/again`)
    await inspector.locator('details[data-kind="request"]', { hasText: '/greet/again' }).waitFor()
    expect(errors).toEqual([])
    await page.close()
  })
})
