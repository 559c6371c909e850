/** The grader CLI's public surface: the CLI as a function, and its parts for other tools. */
export { runGraderCli, EXIT, type GraderStreams } from './cli.ts'
export { parseGradeArgs, USAGE, UsageError, type GradeArgs } from './args.ts'
export { findSubmissions, readSubmissionCode, PREFERRED_ENTRY_FILES, type Submission, type GradeTarget } from './submissions.ts'
export { gradeBatch, SUBMISSION_DEADLINE_MS, type GradeBatchOptions } from './grade-batch.ts'
export { BatchResult, BatchSummary, StudentResult, summarize } from './results.ts'
export { toJUnitXml, escapeXmlText, escapeXmlAttribute, type JUnitSuite } from './junit.ts'
export { formatSubmissionReport, formatBatchReport } from './terminal-report.ts'
export { createProgress, type Progress } from './progress.ts'
