/**
 * What lessons:check says about an exercise's TypeScript beyond grading it: type errors in
 * starter.ts, solution.ts and app.ts (one TypeScript program for every exercise checked, in a
 * worker thread, beside the grading), and files that Prettier would format differently, at the
 * first line that differs, with the course's own Prettier settings (none: no format check).
 */
import { Worker } from 'node:worker_threads'
import { readFile } from 'node:fs/promises'
import { TS_WORKER } from '../grading/ts-worker.ts'
import type { LineProblem } from './problems.ts'
import type { TypeCheckOptions, TypeProblem } from './type-check.ts'

/** The files learners and the checks see as TypeScript, in an exercise folder. */
export const TYPESCRIPT_FILES = ['starter.ts', 'solution.ts', 'app.ts'] as const

/**
 * The type errors in `files` (absolute paths), found in a worker thread.
 *
 * @example
 * await typeCheckInWorker(['/course/exercises/crud-notes/starter.ts'])
 */
export function typeCheckInWorker(files: string[], options: TypeCheckOptions = {}, timeoutMs?: number): Promise<TypeProblem[]> {
  if (files.length === 0) return Promise.resolve([])
  const worker = new Worker(TS_WORKER, { workerData: { module: new URL('./type-check-worker.ts', import.meta.url).href }, execArgv: [] })
  let timer: NodeJS.Timeout | undefined
  return new Promise<TypeProblem[]>((resolve, reject) => {
    worker.once('message', (answer: { problems: TypeProblem[] } | { error: string }) =>
      'error' in answer ? reject(new Error(`type-checking failed: ${answer.error}`)) : resolve(answer.problems),
    )
    worker.once('error', reject)
    worker.once('exit', () => reject(new Error('the type-check thread stopped')))
    // A type that takes TypeScript minutes to check (huge template-literal unions) is given up on.
    if (timeoutMs !== undefined) timer = setTimeout(() => reject(new Error(`type-checking took longer than ${timeoutMs / 1000} s`)), timeoutMs)
    worker.postMessage({ files, options })
  }).finally(() => {
    clearTimeout(timer)
    void worker.terminate()
  })
}

/**
 * The problem with `file`'s formatting, at the first line Prettier would change, or undefined
 * when it is formatted, the course has no Prettier settings, or its .prettierignore leaves it out.
 *
 * @example
 * await formatProblem('/course/exercises/crud-notes/starter.ts', '/course/.prettierignore')
 * // { line: 4, field: 'format', message: 'is not formatted as Prettier would: run npx prettier --write on it' }
 */
export async function formatProblem(file: string, ignorePath: string): Promise<LineProblem | undefined> {
  // Loaded here, not with the module: the server imports this file for its type checks, and
  // Prettier would cost every worker process some 50 MB it never uses.
  const prettier = await import('prettier')
  const { ignored } = await prettier.getFileInfo(file, { ignorePath })
  if (ignored) return undefined
  // A course without Prettier settings has not chosen a style to hold its files to.
  const config = await prettier.resolveConfig(file)
  if (config === null) return undefined
  const source = await readFile(file, 'utf8')
  let formatted: string
  try {
    formatted = await prettier.format(source, { ...config, filepath: file })
  } catch {
    // Code Prettier cannot parse: grading and the type-check report it at its line.
    return undefined
  }
  if (formatted === source) return undefined
  const [before, after] = [source.split('\n'), formatted.split('\n')]
  const index = before.findIndex((line, at) => line !== after[at])
  return {
    line: (index < 0 ? before.length : index) + 1,
    field: 'format',
    message: 'is not formatted as Prettier would format it: run npx prettier --write on it',
  }
}
