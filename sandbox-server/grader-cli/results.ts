/**
 * The grader CLI's JSON for a batch: every student's SubmissionResult (the one results shape,
 * see grading/results.ts) with who and which file, and the totals. One file alone is written
 * as its plain SubmissionResult.
 */
import { Type, type Static } from '@sinclair/typebox'
import { SubmissionResult } from '../grading/index.ts'

export const TscError = Type.Object(
  {
    line: Type.Integer({ description: "1-based line in the submission's file" }),
    column: Type.Integer({ description: '1-based column' }),
    message: Type.String({ description: "tsc's message and code, e.g. \"Type 'string' is not assignable to type 'number'. (TS2322)\"" }),
  },
  { description: 'one type error tsc finds in the submission (with --typecheck)' },
)
export type TscError = Static<typeof TscError>

export const TscErrors = Type.Array(TscError, {
  description: "with --typecheck: tsc's errors at the submission's own lines, in line order; they do not change the grade",
})

export const StudentResult = Type.Composite(
  [
    Type.Object({
      student: Type.String({ description: 'the file name without .ts, or the folder name, of this submission' }),
      file: Type.String({ description: 'the graded file, relative to the folder graded' }),
      typeErrors: Type.Optional(TscErrors),
    }),
    SubmissionResult,
  ],
  { description: "one student's submission and its result" },
)
export type StudentResult = Static<typeof StudentResult>

export const BatchSummary = Type.Object({
  total: Type.Integer({ description: 'submissions found' }),
  passed: Type.Integer({ description: 'submissions that passed every check' }),
  failed: Type.Integer({ description: 'submissions that ran but did not pass every check' }),
  errors: Type.Integer({ description: 'submissions that could not be graded (compile error, crash on load, unreadable)' }),
})
export type BatchSummary = Static<typeof BatchSummary>

export const Shard = Type.Object(
  {
    index: Type.Integer({ minimum: 1, description: 'which part, from 1' }),
    count: Type.Integer({ minimum: 1, description: 'of how many parts' }),
  },
  { description: "with --shard: the index-th of every count submissions of the folder, in name order; --merge joins every part's file" },
)

export const BatchResult = Type.Object({
  version: Type.Literal(3),
  exerciseId: Type.String(),
  shard: Type.Optional(Shard),
  students: Type.Array(StudentResult, { description: 'in the order of the students names' }),
  summary: BatchSummary,
})
export type BatchResult = Static<typeof BatchResult>

/**
 * Counts passes, failures and errors.
 *
 * @example
 * summarize(students) // { total: 50, passed: 30, failed: 17, errors: 3 }
 */
export function summarize(students: Pick<StudentResult, 'status'>[]): BatchSummary {
  const count = (status: StudentResult['status']) => students.filter((student) => student.status === status).length
  return { total: students.length, passed: count('pass'), failed: count('fail'), errors: count('error') }
}
