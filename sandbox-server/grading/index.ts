/** Grading: the check API instructors write with, the one grading function, its results. */
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
export { createKeptGrades, NoKeptGrade, KEEP_GRADE_MS, type KeptGrades } from './kept-grades.ts'
export {
  CheckReplay,
  ReplayStep,
  ReplayRequest,
  withCurlLines,
  curlLine,
  type GradeRecording,
  type RecordedCheck,
  type RecordedStep,
} from './replay.ts'
