/**
 * Builds the learning site (site/ -> site/dist) when it is missing or older than its sources:
 * site/, lessons/, exercises/ and the two server files the site reads (the lesson schema and the
 * sandbox module's types), or was built under another SOLUTIONS setting (with `always` the build
 * publishes every solution as a static file). `npm start` and the browser tests
 * call it, so nobody serves a stale site.
 *
 * Run: `tsx scripts/site-build-if-needed.ts` (add `--force` to build anyway).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import { createRequire } from 'node:module'
import { join, relative, resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const siteDir = join(root, 'site')
const distDir = join(siteDir, 'dist')
/** Written after a successful build; its time is the build's. */
const stampFile = join(distDir, '.build-stamp')

/**
 * Held while a build runs (it holds the builder's pid): two builds into one site/dist break each
 * other. It lives outside site/: taking it there changed site/'s modification time, so a process
 * that waited for another's build found the site "changed" and built it again.
 */
const lockDir = join(root, '.site-build-lock')

/** True when the lock's owner is gone (it crashed or was interrupted), so the lock can go. */
function lockIsStale(): boolean {
  try {
    process.kill(Number(readFileSync(join(lockDir, 'pid'), 'utf8')), 0)
    return false
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'EPERM'
  }
}

/** Waits for another process's build to finish, then holds the lock; returns its release. */
async function acquireBuildLock(signal?: AbortSignal): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(lockDir)
      writeFileSync(join(lockDir, 'pid'), String(process.pid))
      return () => rmSync(lockDir, { recursive: true, force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      // A lock just made may not have its pid file yet: only a lock at least 2 s old is judged.
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > 2000 && lockIsStale()) rmSync(lockDir, { recursive: true, force: true })
      // Polling a lock held by another process: there is no event to wait for.
      else await delay(500, undefined, { signal })
    }
  }
}

// The site's sources, and the server files its pages and the workspace import at run time (type-only imports change no output).
const SOURCES = [
  'site',
  'lessons',
  'exercises',
  'sandbox-server/content/schemas.ts',
  'sandbox-server/capabilities/sandbox.d.ts',
  'sandbox-server/exercises/hints.ts',
  'sandbox-server/validation',
  'sandbox-server/grading/curl.ts',
]
const SKIPPED = new Set(['dist', 'node_modules', '.astro'])

/** The newest modification time of a file or of any file under a folder (0 when missing). */
function newestChange(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue
    newest = Math.max(newest, newestChange(join(path, entry.name)))
  }
  return newest
}

/** The SOLUTIONS setting the build follows: only `always` publishes solutions as static files. */
const solutionsSetting = () => process.env.SOLUTIONS || 'after-attempt'

/** Why the site needs a build, or null when site/dist is up to date. */
export function siteBuildReason(): string | null {
  if (!existsSync(stampFile)) return 'site/dist does not exist yet'
  const builtWith = /^SOLUTIONS=(.*)$/m.exec(readFileSync(stampFile, 'utf8'))?.[1]
  if (builtWith !== solutionsSetting())
    return `SOLUTIONS is ${solutionsSetting()}, the site was built with ${builtWith ?? 'every solution published'}`
  const builtAt = statSync(stampFile).mtimeMs
  const changed = SOURCES.find((source) => newestChange(join(root, source)) > builtAt)
  return changed ? `${changed} changed since the last build` : null
}

export interface SiteBuildOptions {
  /** Build even when site/dist looks current. */
  force?: boolean
  /** Where progress lines go; the build's own output goes to the same place. */
  log?: (line: string) => void
  signal?: AbortSignal
}

/**
 * Builds site/dist with `astro build --root site` when needed; resolves true when it built.
 *
 * @example
 * await buildSiteIfNeeded()                 // before serving site/dist
 * await buildSiteIfNeeded({ force: true })  // after changing the build itself
 */
export async function buildSiteIfNeeded({ force = false, log = (line) => console.log(line), signal }: SiteBuildOptions = {}): Promise<boolean> {
  if (!force && siteBuildReason() === null) return false
  const release = await acquireBuildLock(signal)
  try {
    // Another process may have built it while this one waited.
    const reason = force ? 'a build was asked for' : siteBuildReason()
    if (reason === null) return false
    await buildSite(reason, log, signal)
    return true
  } finally {
    release()
  }
}

async function buildSite(reason: string, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  log(`Building the learning site (${reason}); this takes a minute or two...`)
  const started = Date.now()
  const astro = join(createRequire(import.meta.url).resolve('astro/package.json'), '..', 'astro.js')
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [astro, 'build', '--root', relative(root, siteDir) || '.'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
      signal,
    })
    let output = ''
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) return resolve()
      // Astro's own message says which lesson file or field is wrong: show its tail.
      reject(new Error(`The site build failed (astro build exited with ${code}):\n${output.split('\n').slice(-40).join('\n')}`))
    })
  })
  writeFileSync(stampFile, `${new Date().toISOString()}\nSOLUTIONS=${solutionsSetting()}\n`)
  log(`Built the learning site in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolvePath(process.argv[1])) {
  try {
    await buildSiteIfNeeded({ force: process.argv.includes('--force') })
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
