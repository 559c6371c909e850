/**
 * Readiness: can this process do a learner's work right now? Each check asks one capability a
 * cheap question and says what is broken in a few words; `/health/ready` answers 503 when any
 * fails, so a load balancer sends learners elsewhere. Liveness (`/health/live`) asks nothing:
 * the process answering is the answer.
 */
import type { DbStats } from '../capabilities/db/index.ts'
import { createCrypto, loadCrypto } from '../capabilities/index.ts'

export interface ReadinessCheck {
  name: string
  /** Resolves when the capability works; rejects or resolves with a reason when it does not. */
  run(): Promise<string | undefined>
}

/** The SQLite pool has at least one live child to run statements. */
export function sqlitePoolCheck(db: { stats(): DbStats }): ReadinessCheck {
  return {
    name: 'sqlite',
    async run() {
      return db.stats().processes > 0 ? undefined : 'no SQLite child process is running'
    },
  }
}

/**
 * The password threads hash a probe within `timeoutMs` (one hash costs a few ms). Probes that
 * arrive while one runs share it.
 */
export function passwordHashingCheck({ timeoutMs = 2000 }: { timeoutMs?: number } = {}): ReadinessCheck {
  let running: Promise<string | undefined> | undefined
  async function probe(): Promise<string | undefined> {
    await loadCrypto()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`password hashing did not answer within ${timeoutMs} ms`), timeoutMs)
    })
    try {
      return await Promise.race([
        createCrypto()
          .hashPassword('readiness probe')
          .then(() => undefined),
        late,
      ])
    } catch (error) {
      return `password hashing failed: ${(error as Error).message}`
    } finally {
      clearTimeout(timer)
    }
  }
  return {
    name: 'passwords',
    run() {
      running ??= probe().finally(() => (running = undefined))
      return running
    },
  }
}

/**
 * Runs every check at once.
 *
 * @example
 * const { ready, checks } = await checkReadiness([sqlitePoolCheck(db), passwordHashingCheck()])
 * // ready: false, checks: { sqlite: 'no SQLite child process is running', passwords: 'ok' }
 */
export async function checkReadiness(checks: ReadinessCheck[]): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const results = await Promise.all(
    checks.map(async (check) => {
      const problem = await check.run().catch((error: unknown) => `check failed: ${(error as Error)?.message ?? String(error)}`)
      return [check.name, problem ?? 'ok'] as const
    }),
  )
  return { ready: results.every(([, result]) => result === 'ok'), checks: Object.fromEntries(results) }
}
