/**
 * `npm run lighthouse`: builds the site if needed, starts the real server (`sandbox-server/main.ts`)
 * on a free port, audits the home page and a lesson page with Lighthouse (its default mobile
 * profile, simulated throttling) in Debian's Chromium, and prints the median of each score over
 * the runs. It also prints the gzipped JavaScript a lesson page loads before the workspace starts.
 *
 * Run: `npm run lighthouse` (RUNS=5 for more runs, CHROME_PATH for another Chromium; extra
 * arguments are site paths to audit instead of the defaults).
 *
 * The lesson page is measured as loaded: its workspace (and Monaco) loads only when scrolled to.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import lighthouse from 'lighthouse'
import { launch } from 'chrome-launcher'
import { buildSiteIfNeeded } from './site-build-if-needed.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium'
const runs = Number(process.env.RUNS ?? 3)
const categories = ['performance', 'accessibility', 'best-practices', 'seo'] as const
const metrics = {
  'first-contentful-paint': 'FCP',
  'largest-contentful-paint': 'LCP',
  'total-blocking-time': 'TBT',
  'cumulative-layout-shift': 'CLS',
} as const

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts `npm start`'s server without its build step; resolves once it prints its URL. */
async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'sandbox-server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it was ready`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('is running at')) resolve()
    })
  })
  return child
}

/** The site path of the first lesson (in folder order) that has an exercise. */
function firstExerciseLesson(): string {
  const lessonsDir = join(root, 'lessons')
  for (const role of readdirSync(lessonsDir)
    .filter((name) => /^\d+-/.test(name))
    .sort()) {
    for (const lesson of readdirSync(join(lessonsDir, role))
      .filter((name) => /^\d+-/.test(name))
      .sort()) {
      const file = join(lessonsDir, role, lesson, 'lesson.md')
      if (existsSync(file) && /^exercise:\s*\S/m.test(readFileSync(file, 'utf8'))) {
        return `/roles/${role.replace(/^\d+-/, '')}/${lesson.replace(/^\d+-/, '')}/`
      }
    }
  }
  throw new Error('no lesson under lessons/ has an exercise')
}

/**
 * Bytes of JavaScript a built page loads up front, raw and gzipped: its module scripts and
 * inline scripts plus every chunk they import statically. Dynamic `import()`s (the workspace,
 * Monaco) are left out: they load only when the learner reaches the exercise.
 */
function initialScriptBytes(pagePath: string): { files: number; raw: number; gzip: number } {
  const dist = join(root, 'site/dist')
  const html = readFileSync(join(dist, pagePath, 'index.html'), 'utf8')
  const seen = new Set<string>()
  let raw = 0
  let gzip = 0
  const add = (text: string) => {
    raw += Buffer.byteLength(text)
    gzip += gzipSync(text).length
  }
  const visit = (url: string) => {
    if (seen.has(url)) return
    seen.add(url)
    const text = readFileSync(join(dist, url), 'utf8')
    add(text)
    // Static imports only: `import{a}from"./x.js"` and `import"./x.js"`, not `import("./x.js")`.
    for (const match of text.matchAll(/(?:^|[;}\n])\s*import\s*(?:[\w${},*\s]+from\s*)?["']([^"']+\.js)["']/g)) {
      visit(new URL(match[1]!, `http://site${url}`).pathname)
    }
    for (const match of text.matchAll(/export\s*[{*][^;]*?from\s*["']([^"']+\.js)["']/g)) visit(new URL(match[1]!, `http://site${url}`).pathname)
  }
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const src = /\bsrc="([^"]+)"/.exec(match[1]!)?.[1]
    if (src) visit(src)
    else if (!/type="application\/(ld\+)?json"/.test(match[1]!)) add(match[2]!)
  }
  return { files: seen.size, raw, gzip }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

await buildSiteIfNeeded()
const pages = process.argv.slice(2).length ? process.argv.slice(2) : ['/', firstExerciseLesson()]
const port = await freePort()
const server = await startServer(port)
const chrome = await launch({
  chromePath,
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
})
try {
  for (const path of pages) {
    const scores: Record<string, number[]> = Object.fromEntries(categories.map((name) => [name, []]))
    const measured: Record<string, number[]> = Object.fromEntries(Object.keys(metrics).map((name) => [name, []]))
    const problems = new Map<string, string>()
    for (let run = 0; run < runs; run += 1) {
      const result = await lighthouse(`http://127.0.0.1:${port}${path}`, {
        port: chrome.port,
        logLevel: 'error',
        output: 'json',
        onlyCategories: [...categories],
      })
      if (!result) throw new Error(`Lighthouse returned nothing for ${path}`)
      const { lhr } = result
      if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${path}: ${lhr.runtimeError.message}`)
      for (const name of categories) scores[name]!.push(Math.round((lhr.categories[name]?.score ?? 0) * 100))
      for (const name of Object.keys(metrics)) measured[name]!.push(lhr.audits[name]?.numericValue ?? NaN)
      for (const name of categories) {
        for (const ref of lhr.categories[name]?.auditRefs ?? []) {
          const audit = lhr.audits[ref.id]
          if (ref.weight > 0 && audit && audit.score !== null && audit.score < 0.9)
            problems.set(ref.id, `${name}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ''}`)
        }
      }
    }
    console.log(`\n${path}  (median of ${runs} runs, Lighthouse mobile)`)
    for (const name of categories) console.log(`  ${name.padEnd(15)} ${median(scores[name]!)}   runs: ${scores[name]!.join(', ')}`)
    console.log(
      `  ${Object.entries(metrics)
        .map(
          ([id, label]) =>
            `${label} ${id === 'cumulative-layout-shift' ? median(measured[id]!).toFixed(3) : `${Math.round(median(measured[id]!))} ms`}`,
        )
        .join(' · ')}`,
    )
    for (const problem of problems.values()) console.log(`  to look at: ${problem}`)
    const js = initialScriptBytes(path)
    console.log(
      `  JavaScript before the workspace loads: ${js.files} files, ${(js.raw / 1024).toFixed(1)} KB, ${(js.gzip / 1024).toFixed(1)} KB gzipped`,
    )
  }
} finally {
  chrome.kill()
  server.kill('SIGTERM')
}
