/**
 * Grading: the check API instructors write with, the one grading function, its results. The
 * check thread loads this file too (checks.ts imports it): nothing exported here may load the
 * sandbox (kept-grades.ts does, through the session store, so it is imported on its own).
 */
export {
  defineChecks,
  CheckFailure,
  type CheckContext,
  type CheckDefinition,
  type CheckResponse,
  type RequestOptions,
  type TestRun,
  type TestResult,
} from './checks.ts'
export { testsPass, catchesMutant, type Mutant } from './test-checks.ts'
export { schemaMismatch, schemaMistake, type SchemaOptions } from './json-schema.ts'
export { gradeSubmission, runLearnerTests, CHECK_DEADLINE_MS, type GradeOptions, type TestRunOptions } from './grade.ts'
export { checkTestCode } from './check-source.ts'
export { prewarmCheckThreads } from './check-thread.ts'
export { CheckResult, CheckStatus, SubmissionResult, OUTPUT_LIMIT, limitOutput, maxScoreOf, notGraded } from './results.ts'
export { CheckReplay, ReplayStep, ReplayRequest, withCurlLines, type GradeRecording, type RecordedCheck, type RecordedStep } from './replay.ts'
