// @ts-check
/**
 * A worker thread that hashes and verifies passwords with libsodium's argon2id, off the
 * server's main thread. The pool in ./passwords.ts starts a few, gives each one job at a time,
 * and replaces a worker after a number of jobs: libsodium's WebAssembly memory never shrinks.
 *
 * The parameters are checked by the pool before a job arrives here; this file trusts them.
 */
import { parentPort } from 'node:worker_threads'
import sodium from 'libsodium-wrappers-sumo'

/** @typedef {{ id: number, op: 'hash' | 'verify', password: string, hash?: string, opsLimit: number, memLimit: number }} PasswordJob */

await sodium.ready
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort)

port.on('message', (/** @type {PasswordJob} */ job) => {
  const started = performance.now()
  /** @type {unknown} */
  let value
  try {
    value =
      job.op === 'hash'
        ? sodium.crypto_pwhash_str(job.password, job.opsLimit, job.memLimit)
        : sodium.crypto_pwhash_str_verify(String(job.hash), job.password)
  } catch {
    // libsodium throws on a malformed hash string: that is a failed verification.
    value = job.op === 'verify' ? false : null
  }
  // The hash's own time on this thread, not its wait for a turn: what the learner is charged.
  port.postMessage({ id: job.id, value, ms: performance.now() - started })
})
port.postMessage({ ready: true })
