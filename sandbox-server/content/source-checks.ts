/**
 * Type errors in an exercise's TypeScript, beyond grading it: starter.ts, solution.ts and app.ts
 * for lessons:check, a submission for `grade --typecheck` and POST /grade (one TypeScript program
 * for every file checked, in a worker thread, beside the grading). The format check is
 * lessons:check's alone (format-check.ts): Prettier is a devDependency.
 */
import { Worker } from 'node:worker_threads'
import { TS_WORKER } from '../grading/ts-worker-url.ts'
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
