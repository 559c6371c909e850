/**
 * Grades many submissions with one session store (one database pool, one template database),
 * a few at a time. A submission can only ever produce its own result: whatever it does (loop,
 * exhaust memory, fail to compile, crash the grader's code path) is caught here and becomes
 * that student's error, and the batch goes on. It never runs learner code outside the sandbox.
 */
import { availableParallelism } from 'node:os'
import type { Exercise } from '../exercises/index.ts'
import { gradeSubmission, notGraded } from '../grading/index.ts'
import type { SessionStore } from '../sessions/index.ts'
import type { StudentResult } from './results.ts'
import { readSubmissionCode, type Submission } from './submissions.ts'

/**
 * A backstop far above any honest run (each request has a 3 s wall-clock limit): if grading
 * one submission somehow takes longer, that student gets an error and the batch moves on.
 */
export const SUBMISSION_DEADLINE_MS = 120_000

export interface GradeBatchOptions {
  exercise: Exercise
  submissions: Submission[]
  sessions: SessionStore
  /** Submissions graded at once. Default: the core count. */
  concurrency?: number
  /** How long one submission may take in all. Default SUBMISSION_DEADLINE_MS. */
  deadlineMs?: number
  /** Called as a submission starts grading. */
  onStart?: (submission: Submission) => void
  /** Called as each submission finishes, in finishing order. */
  onGraded?: (result: StudentResult) => void
  /** Stops starting new submissions; those running finish their current check. */
  signal?: AbortSignal
}

/**
 * Grades every submission and returns the results in the submissions' order.
 *
 * @example
 * const db = createDbPool()
 * const sessions = await createSessionStore({ db })
 * const results = await gradeBatch({ exercise: await loadExercise('crud-notes'), submissions, sessions, concurrency: 4 })
 * results.filter((result) => result.status === 'pass').length
 */
export async function gradeBatch({
  exercise,
  submissions,
  sessions,
  concurrency = availableParallelism(),
  deadlineMs = SUBMISSION_DEADLINE_MS,
  onStart,
  onGraded,
  signal,
}: GradeBatchOptions): Promise<StudentResult[]> {
  const results: StudentResult[] = new Array(submissions.length)
  let next = 0
  async function worker() {
    while (next < submissions.length) {
      signal?.throwIfAborted()
      const index = next++
      const submission = submissions[index]!
      onStart?.(submission)
      results[index] = await gradeOne(submission, { exercise, sessions, deadlineMs, signal })
      onGraded?.(results[index])
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, submissions.length)) }, worker))
  return results
}

interface GradeOneOptions {
  exercise: Exercise
  sessions: SessionStore
  deadlineMs: number
  signal: AbortSignal | undefined
}

/** One submission's result; never throws. */
async function gradeOne(submission: Submission, { exercise, sessions, deadlineMs, signal }: GradeOneOptions): Promise<StudentResult> {
  const who = { student: submission.student, file: submission.file }
  if (submission.problem !== undefined) return { ...who, ...notGraded(exercise, submission.problem) }
  const started = performance.now()
  let code: string
  try {
    code = await readSubmissionCode(submission)
  } catch (error) {
    return { ...who, ...notGraded(exercise, `Could not read ${submission.file}: ${(error as Error).message}`) }
  }
  const deadline = new AbortController()
  const stop = () => deadline.abort(new Error(`grading stopped after ${deadlineMs / 1000} s`))
  const timer = setTimeout(stop, deadlineMs)
  signal?.addEventListener('abort', stop, { once: true })
  try {
    // gradeSubmission checks the signal between checks; the race gives up on a check that hangs.
    const stopped = new Promise<never>((_, reject) => deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true }))
    const result = await Promise.race([gradeSubmission({ exercise, code, sessions, signal: deadline.signal }), stopped])
    return { ...who, ...result }
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error)
    return { ...who, ...notGraded(exercise, `The grader could not grade this submission: ${reason}.`, performance.now() - started) }
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', stop)
  }
}
