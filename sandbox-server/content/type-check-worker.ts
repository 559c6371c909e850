/**
 * The type-check thread of lessons:check: type-checking is seconds of CPU that would otherwise
 * hold the main thread, where the grades' sessions and deadlines run. One request, one answer.
 */
import { parentPort } from 'node:worker_threads'
import { typeCheck } from './type-check.ts'

parentPort!.once('message', (files: string[]) => {
  try {
    parentPort!.postMessage({ problems: typeCheck(files) })
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message })
  }
})
