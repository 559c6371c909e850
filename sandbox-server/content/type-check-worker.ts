/**
 * The type-check thread of lessons:check and the grader's --typecheck: type-checking is seconds
 * of CPU that would otherwise hold the main thread, where the grades' sessions and deadlines
 * run. One request, one answer.
 */
import { parentPort } from 'node:worker_threads'
import { typeCheck, type TypeCheckOptions } from './type-check.ts'

parentPort!.once('message', ({ files, options }: { files: string[]; options: TypeCheckOptions }) => {
  try {
    parentPort!.postMessage({ problems: typeCheck(files, options) })
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message })
  }
})
