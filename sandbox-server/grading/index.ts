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
export { gradeSubmission, runLearnerTests, type GradeOptions, type TestRunOptions } from './grade.ts'
export { CheckResult, CheckStatus, SubmissionResult, maxScoreOf, notGraded } from './results.ts'
