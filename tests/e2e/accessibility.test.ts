/**
 * axe-core on every page of the site and every state of the workspace, light and dark: any
 * violation fails, with its rule, where and why. The states are listed below; a new panel or
 * dialog belongs in the list. No rule is excluded (none has been needed: an exclusion is only
 * for an upstream Monaco limitation, named here with its upstream issue).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { lessonPathFor, openWorkspace, root, send, useBrowser } from './browser.ts'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const browser = useBrowser()
const schemes = ['light', 'dark'] as const

/** Every violation axe finds on the page as it is now, one line each: rule, element, why. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource })
  return page.evaluate(async () => {
    const { violations } = await (window as any).axe.run(document)
    return violations.flatMap((violation: any) =>
      violation.nodes.map(
        (node: any) => `${violation.id}: ${node.target.join(' ')}: ${(node.any[0] ?? node.all[0] ?? node.none[0])?.message ?? violation.help}`,
      ),
    )
  })
}

describe.each(schemes)('accessibility (%s)', (colorScheme) => {
  it('finds nothing on the home page, the glossary, every role page and every lesson page', async () => {
    const page = await browser.newPage({ width: 1280, height: 900, colorScheme })
    await page.goto('/')
    const paths = await page.evaluate(() => [
      ...new Set([...document.querySelectorAll<HTMLAnchorElement>('a[href^="/roles/"]')].map((link) => link.pathname)),
    ])
    expect(paths.length).toBeGreaterThan(30)
    const found: Record<string, string[]> = {}
    for (const path of ['/', '/glossary/', ...paths]) {
      await page.goto(path)
      const problems = await violations(page)
      if (problems.length) found[path] = problems
    }
    expect(found).toEqual({})
    await page.close()
  })

  it('finds nothing in the workspace: ready, after a request with the clock moved, the request inspector open, checks with a hint, a replayed check, the comparison, a paged table, a waiting second tab', async () => {
    const context = await browser.newContext({ width: 1600, height: 900, colorScheme })
    const page = await context.newPage()
    const found: Record<string, string[]> = {}
    const look = async (state: string, on: Page = page) => {
      const problems = await violations(on)
      if (problems.length) found[state] = problems
    }
    await openWorkspace(page, lessonPathFor('cache-with-ttl'))
    await look('ready, lesson text beside it')

    const solution = readFileSync(join(root, 'exercises/cache-with-ttl/solution.ts'), 'utf8')
    await page.evaluate((code) => window.__workspace!.setCode(code.replace(/^\s*cache\.delete\(REPORT_KEY\)\n/m, '')), solution)
    await page.getByRole('button', { name: '+1 h' }).click()
    await page.locator('[data-ws="clock-offset"]', { hasText: 'ahead' }).waitFor()
    await send(page, 'GET', '/reports/sales')
    await page.locator('[data-ws="response-status"]', { hasText: '200' }).waitFor()
    await look('a response with the clock moved')

    const inspected = page.locator('[data-ws="inspector"] details[data-kind="request"]', { hasText: '/reports/sales' }).first()
    await inspected.locator('summary').click()
    await inspected.locator('.ws-inspector-body').waitFor()
    await page.locator('[data-ws="inspector"] details[data-source="load"]').first().locator('summary').click()
    await look('the request inspector, a request and a code load open')

    await page.getByRole('button', { name: 'Run checks' }).click()
    await page.locator('[data-ws="checks-summary"]').waitFor()
    await page.locator('[data-ws="checks"] details[open]').getByRole('button', { name: 'Show a hint' }).click()
    await look('check results with a hint shown')

    await page.locator('[data-ws="checks"] details[open]').getByRole('button', { name: 'Replay this check' }).click()
    await page.locator('[data-ws="checks"] details[open] .ws-replay-steps > li').first().waitFor()
    await look('a failed check replayed')

    await page.getByRole('button', { name: 'Compare with a solution' }).click()
    await page.locator('[data-ws="comparison"] .monaco-diff-editor .editor.modified').waitFor()
    await look('the comparison')
    await page.getByRole('button', { name: 'Back to your code' }).click()

    const rows = `import { Hono } from 'hono'\nimport { db } from 'sandbox'\n\ndb.run('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)')\nfor (let i = 0; i < 60; i++) db.run('INSERT INTO t DEFAULT VALUES')\nconst app = new Hono()\napp.get('/', (c) => c.text('ok'))\nexport default app\n`
    await page.evaluate((code) => window.__workspace!.setCode(code), rows)
    await send(page, 'GET', '/')
    await page.locator('[data-db-table="t"] .ws-db-pager').waitFor()
    await look('a table with pages')

    const second = await context.newPage()
    await second.goto(lessonPathFor('cache-with-ttl'))
    await second.locator('#workspace').scrollIntoViewIfNeeded()
    await second.locator('[data-workspace][data-tab="waiting"][data-state="ready"]').waitFor()
    await look('a second tab, waiting', second)
    expect(found).toEqual({})
    await context.close()
  })
})
