/**
 * Kept grades: the grading session of each learner session's latest grade stays for a while
 * (10 minutes by default), with its own live URL, so a failed check can be replayed there
 * (replay.ts says why from the check's starting state). Replaying in the learner's own session
 * would write the checks' data into their database, and the grade's tokens are signed with the
 * grading session's key, which only that session knows.
 *
 * At most one kept grade per learner session: the next grade, the end of its time, and the
 * learner session's deletion or expiry each let it go. Its session lives in the same store as
 * the learner's and counts against the memory budget like any other (its captured states as
 * `heldBytes`), so the sweep may evict it first when memory is short; a replay then says the
 * grade is gone, as after its time.
 */
import type { CapturedState, SessionStore } from '../sessions/index.ts'
import { LearnerModuleError, LimitExceeded } from '../runtime/errors.ts'
import { UnknownSession } from '../sessions/index.ts'
import { describeDuration, type CheckReplay, type GradeRecording, type RecordedCheck, type RecordedStep, type ReplayStep } from './replay.ts'

/** How long a grade is kept by default. */
export const KEEP_GRADE_MS = 10 * 60_000

/** There is no kept grade to replay (none yet, expired, let go) or it has no such failed check. */
export class NoKeptGrade extends Error {
  override name = 'NoKeptGrade'
}

const gone = () =>
  new NoKeptGrade(
    `There is no kept grade to replay: a grade is kept ${KEEP_GRADE_MS / 60_000} minutes after it ran, until the next one. Run the checks again, then replay.`,
  )

interface KeptGrade {
  recording: GradeRecording
  expiresAt: number
  timer: NodeJS.Timeout
  /** The replay or restore in progress: the next waits for it, so two never mix their steps. */
  turn: Promise<unknown>
}

/** Runs `work` after the kept grade's previous replay or restore, whether that worked or not. */
function inTurn<T>(grade: KeptGrade, work: () => Promise<T>): Promise<T> {
  const done = grade.turn.then(work)
  grade.turn = done.catch(() => {})
  return done
}

/** The bytes a recording holds: its captured databases and cache copies. */
function bytesOf({ checks }: GradeRecording): number {
  const states = new Set<CapturedState>(checks.map((check) => check.start))
  let bytes = 0
  for (const { snapshot, cache } of states) bytes += snapshot.byteLength + cache.entries.reduce((sum, entry) => sum + entry.stored.byteLength, 0)
  return bytes
}

const decoder = new TextDecoder()

/**
 * @example
 * const grades = createKeptGrades({ store })
 * await gradeSubmission({ exercise, code, sessions: store, keep: (recording) => grades.keep(learnerId, recording) })
 * const replay = await grades.replay(learnerId, 'A token stops working after 15 minutes')
 */
export function createKeptGrades({ store, keepMs = KEEP_GRADE_MS }: { store: SessionStore; keepMs?: number }) {
  const kept = new Map<string, KeptGrade>()

  function release(learnerId: string): void {
    const grade = kept.get(learnerId)
    if (!grade) return
    kept.delete(learnerId)
    clearTimeout(grade.timer)
    store.delete(grade.recording.sessionId).catch(() => {})
  }

  // The learner's session went (expired, evicted): its kept grade goes too. The kept session
  // itself evicted: forgotten, so a replay says it is gone.
  store.events.on('removed', ({ id }) => {
    release(id)
    for (const [learnerId, grade] of kept) {
      if (grade.recording.sessionId !== id) continue
      clearTimeout(grade.timer)
      kept.delete(learnerId)
    }
  })

  function find(learnerId: string, name: string): { grade: KeptGrade; check: RecordedCheck } {
    const grade = kept.get(learnerId)
    if (!grade) throw gone()
    const check = grade.recording.checks.find((candidate) => candidate.name === name)
    if (!check) {
      const failed = grade.recording.checks.map((candidate) => candidate.name)
      throw new NoKeptGrade(
        `The latest grade has no failed check named ${JSON.stringify(name)}${failed.length ? `; these failed: ${failed.join('; ')}` : ': every check passed or was skipped'}.`,
      )
    }
    return { grade, check }
  }

  /** Puts the kept session back where the check began; a session gone meanwhile is a grade gone. */
  async function restore(grade: KeptGrade, check: RecordedCheck): Promise<void> {
    try {
      await store.restore(grade.recording.sessionId, check.start)
    } catch (error) {
      if (error instanceof UnknownSession) throw gone()
      throw error
    }
  }

  async function replayStep(sessionId: string, step: RecordedStep): Promise<ReplayStep> {
    const { clock } = store.get(sessionId)
    switch (step.kind) {
      case 'request': {
        const { method, path, headers, body } = step.request
        const done = { kind: step.kind, request: step.request, gradedStatus: step.gradedStatus }
        const description = `${method} ${path}${body === undefined ? '' : ` with ${body.length > 80 ? `${body.slice(0, 80)}…` : body}`}`
        try {
          const response = await store.request(sessionId, { method, path, headers, body: body === undefined ? null : new TextEncoder().encode(body) })
          const answer = { status: response.status, headers: response.headers, body: decoder.decode(response.body ?? undefined) }
          return { ...done, description, response: answer, clockAt: clock.now() }
        } catch (error) {
          // The app hit a limit or crashed again: that is the replay's answer, not a server error.
          if (error instanceof LimitExceeded || error instanceof LearnerModuleError)
            return { ...done, description, error: error.message, clockAt: clock.now() }
          throw error
        }
      }
      case 'clock':
        clock.advance(step.ms)
        return {
          kind: step.kind,
          description: `The clock moved ${describeDuration(step.ms)} on: the app's time is now ${new Date(clock.now()).toISOString()}`,
          clockMs: step.ms,
          clockAt: clock.now(),
        }
      case 'sign':
        return {
          kind: step.kind,
          description: `Signed ${JSON.stringify(step.message)} with this grade's key (the app's own crypto.sign): ${step.signature}`,
          clockAt: clock.now(),
        }
      case 'call': {
        const call = `${step.name}(${step.args.map((arg) => JSON.stringify(arg)).join(', ')})`
        try {
          const { value } = await store.call(sessionId, step.name, step.args)
          return { kind: step.kind, description: `Called ${call}: it returned ${JSON.stringify(value) ?? 'undefined'}`, clockAt: clock.now() }
        } catch (error) {
          if (error instanceof LimitExceeded || error instanceof LearnerModuleError) {
            return { kind: step.kind, description: `Called ${call}`, error: error.message, clockAt: clock.now() }
          }
          throw error
        }
      }
      case 'restart': {
        const { source } = store.get(sessionId)
        const description = 'Started your app afresh, as another replica: its module variables are gone, the database and cache stay'
        try {
          if (source !== undefined) await store.setCode(sessionId, source)
          return { kind: step.kind, description, clockAt: clock.now() }
        } catch (error) {
          if (error instanceof LimitExceeded || error instanceof LearnerModuleError)
            return { kind: step.kind, description, error: error.message, clockAt: clock.now() }
          throw error
        }
      }
      case 'tests':
        return {
          kind: step.kind,
          description: `Ran your tests${step.mutate ? ' against a copy of app.ts with a bug planted' : ''} (in a fresh session of their own: not replayed here)`,
          clockAt: clock.now(),
        }
    }
  }

  return {
    /**
     * Keeps a grade's session for learner session `learnerId`, letting go of the one kept
     * before. A grade with no failed check has nothing to replay: its session goes at once.
     */
    keep(learnerId: string, recording: GradeRecording): { sessionId: string; expiresAt: number } | undefined {
      release(learnerId)
      if (recording.checks.length === 0) {
        store.delete(recording.sessionId).catch(() => {})
        return undefined
      }
      const expiresAt = Date.now() + keepMs
      const timer = setTimeout(() => release(learnerId), keepMs)
      timer.unref()
      store.get(recording.sessionId).heldBytes = bytesOf(recording)
      kept.set(learnerId, { recording, expiresAt, timer, turn: Promise.resolve() })
      return { sessionId: recording.sessionId, expiresAt }
    },

    /**
     * Puts the kept session back where a failed check began, without doing its steps: the first
     * of the curl lines a replay shows, so they reproduce the failure from the same state.
     */
    async restore(learnerId: string, name: string): Promise<{ gradeSessionId: string; clockAt: number; expiresAt: number }> {
      const { grade, check } = find(learnerId, name)
      await inTurn(grade, () => restore(grade, check))
      return { gradeSessionId: grade.recording.sessionId, clockAt: check.start.clockAt, expiresAt: grade.expiresAt }
    },

    /** Does a failed check's steps again in the kept session, from where the check began; each step with what the app answered. */
    async replay(learnerId: string, name: string): Promise<CheckReplay> {
      const { grade, check } = find(learnerId, name)
      const { sessionId } = grade.recording
      const steps = await inTurn(grade, async () => {
        await restore(grade, check)
        const done: ReplayStep[] = []
        try {
          for (const step of check.steps) done.push(await replayStep(sessionId, step))
        } catch (error) {
          // Let go (its time ran out, or evicted) while the steps ran.
          if (error instanceof UnknownSession) throw gone()
          throw error
        }
        return done
      })
      return {
        check: check.name,
        status: check.status,
        ...(check.message === undefined ? {} : { message: check.message }),
        gradeSessionId: sessionId,
        expiresAt: grade.expiresAt,
        startedAt: check.start.clockAt,
        steps,
        sameAsGrade: steps.every((step) => step.kind !== 'request' || step.response?.status === step.gradedStatus),
      }
    },

    /** Lets go of a learner session's kept grade now (its session is deleted). */
    release,

    /** Lets go of every kept grade. */
    dispose(): void {
      for (const learnerId of [...kept.keys()]) release(learnerId)
    },
  }
}

export type KeptGrades = ReturnType<typeof createKeptGrades>
