/**
 * `lessons:check --watch`: checks the course, then again each time a file under lessons/ or
 * exercises/ changes: only the exercises whose files changed, or everything asked for when a
 * lesson changed. Each pass runs in a fresh process (scripts/lessons-check.ts), because a
 * changed checks.ts must be loaded again and Node never forgets a module it has loaded.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { watch, type FSWatcher } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { PROJECT_ROOT } from './lessons.ts'

const SCRIPT = join(PROJECT_ROOT, 'scripts', 'lessons-check.ts')

export interface WatchCourseOptions {
  rootDir: string
  /** Exercise ids given on the command line: only these are ever checked. */
  only: string[]
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  /** Stops watching (Ctrl-C); the promise then resolves with 0. */
  signal?: AbortSignal
  /** How long the files must stay still before a pass starts: an editor saves in several steps. */
  quietMs?: number
}

/** What to check after `changed` (paths relative to the course root), or undefined for nothing. */
export function scopeOfChanges(changed: Iterable<string>, only: string[]): { all: boolean; exercises: string[] } | undefined {
  const exercises = new Set<string>()
  let all = false
  for (const path of changed) {
    const [top, id, file] = path.split(sep)
    if (top === 'lessons') all = true
    else if (top === 'exercises' && id && file && (only.length === 0 || only.includes(id))) exercises.add(id)
  }
  if (all) return { all, exercises: only }
  return exercises.size ? { all, exercises: [...exercises].sort() } : undefined
}

/**
 * Watches until `signal` aborts; resolves with 0.
 *
 * @example
 * await watchCourse({ rootDir: PROJECT_ROOT, only: ['crud-notes'], stdout: process.stdout, stderr: process.stderr, signal })
 */
export async function watchCourse({ rootDir, only, stdout, stderr, signal, quietMs = 150 }: WatchCourseOptions): Promise<number> {
  let child: ChildProcess | undefined
  const pass = (ids: string[]) =>
    new Promise<void>((resolve) => {
      const args = ['--no-node-snapshot', '--import', 'tsx', SCRIPT, '--root', rootDir, ...ids]
      child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout!.on('data', (chunk: Buffer) => stdout.write(chunk.toString()))
      child.stderr!.on('data', (chunk: Buffer) => stderr.write(chunk.toString()))
      child.on('error', (error) => {
        stderr.write(`Could not start a check: ${error.message}\n`)
        resolve()
      })
      child.on('close', () => resolve())
    })

  const changed = new Set<string>()
  let wake: (() => void) | undefined
  const watchers: FSWatcher[] = []
  for (const folder of ['lessons', 'exercises']) {
    try {
      const watcher = watch(join(rootDir, folder), { recursive: true }, (_event, name) => {
        if (!name) return
        changed.add(relative(rootDir, join(rootDir, folder, name.toString())))
        wake?.()
      })
      watcher.on('error', () => {})
      watchers.push(watcher)
    } catch {
      // A course without lessons/ yet: exercises are still watched.
    }
  }
  const stopped = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve()
    signal?.addEventListener('abort', () => resolve(), { once: true })
  })
  const waitForChange = () => new Promise<void>((resolve) => (wake = resolve))
  const quiet = () => new Promise<void>((resolve) => setTimeout(resolve, quietMs))

  try {
    await Promise.race([pass(only), stopped])
    while (!signal?.aborted) {
      stdout.write(`\nWatching ${relative(process.cwd(), rootDir) || '.'}/lessons and exercises for changes (Ctrl-C to stop)\n`)
      let scope: ReturnType<typeof scopeOfChanges>
      while (!scope && !signal?.aborted) {
        if (changed.size === 0) await Promise.race([waitForChange(), stopped])
        // Let the editor finish saving: wait until nothing has changed for quietMs.
        let seen = -1
        while (changed.size !== seen && !signal?.aborted) {
          seen = changed.size
          await Promise.race([quiet(), stopped])
        }
        scope = scopeOfChanges(changed, only)
        const files = [...changed].sort()
        changed.clear()
        if (scope)
          stdout.write(
            `\n${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''} changed: checking ${scope.all ? (only.length ? only.join(', ') : 'the course') : scope.exercises.join(', ')}\n`,
          )
      }
      if (signal?.aborted || !scope) break
      await Promise.race([pass(scope.all ? only : scope.exercises), stopped])
    }
  } finally {
    for (const watcher of watchers) watcher.close()
    child?.kill()
  }
  return 0
}
