/**
 * The grader's heavy half, loaded only once the command line is known to be right: loads the
 * exercise and the sandbox, grades with one session store, then writes the terminal report,
 * JSON (its own, Exercism's or Gradescope's) and JUnit, and with --typecheck tsc's errors beside
 * them. It owns the database pool and session store it creates and always disposes them.
 */
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createDbPool } from '../capabilities/db/index.ts'
import { createSessionStore } from '../sessions/index.ts'
import { loadExercise, type Exercise } from '../exercises/index.ts'
import { checkTestCode, type SubmissionResult } from '../grading/index.ts'
import { ValidationError } from '../validation/index.ts'
import { UsageError, type GradeArgs, type ResultFormat } from './args.ts'
import type { GradeTarget } from './submissions.ts'
import { gradeBatch } from './grade-batch.ts'
import { createProgress } from './progress.ts'
import { paintFor } from './colors.ts'
import { formatBatchReport, formatSubmissionReport } from './terminal-report.ts'
import { toJUnitXml, type JUnitSuite } from './junit.ts'
import { toExercismResults } from './exercism.ts'
import { toGradescopeResults } from './gradescope.ts'
import { writeOutput } from './outputs.ts'
import { summarize, type BatchResult, type StudentResult } from './results.ts'
import { EXIT, type GraderStreams } from './exit.ts'
import { formatTypeErrors, typeErrorsOf } from './type-errors.ts'

/**
 * Grades `target` as `args` say and writes every output; resolves to the exit code. Throws
 * UsageError for an exercise that does not load, and only a fault of the grader otherwise.
 *
 * @example
 * const code = await gradeAndReport(parseGradeArgs(argv), await findSubmissions('submissions/'), process)
 */
export async function gradeAndReport(args: GradeArgs, target: GradeTarget, { stdout, stderr }: GraderStreams): Promise<number> {
  const exercise = await loadExerciseForCli(args.exerciseId)
  const showReport = args.jsonPath !== '-'
  const submissions = target.kind === 'single' ? [target.submission] : target.submissions
  // Type-checking runs in its own thread while the grading goes on.
  const typeChecked = args.typecheck ? typeErrorsOf(exercise, submissions) : undefined
  const typeErrorsFor = async (path: string) => {
    const found = await typeChecked
    return found instanceof Map ? found.get(path) : undefined
  }
  const db = createDbPool()
  let outputs: { json: unknown; suites: JUnitSuite[]; passed: boolean }
  try {
    const sessions = await createSessionStore({ db })
    try {
      if (target.kind === 'single') {
        const { student, file } = target.submission
        const [graded] = await gradeBatch({ exercise, submissions: [target.submission], sessions, concurrency: 1 })
        const { student: _student, file: _file, ...result } = graded!
        const typeErrors = await typeErrorsFor(target.submission.path)
        if (showReport) stdout.write(formatSubmissionReport(result, { title: file, paint: paintFor(stdout) }))
        if (showReport && typeChecked) stdout.write(formatTypeErrors([{ file, errors: typeErrors }], paintFor(stdout)))
        outputs = {
          json: typeChecked ? { ...result, typeErrors } : result,
          suites: [{ name: student, file, result }],
          passed: result.status === 'pass',
        }
      } else {
        if (target.ignored.length) {
          const entries = target.ignored.length === 1 ? 'entry that is' : 'entries that are'
          stderr.write(`Ignored ${target.ignored.length} ${entries} neither a .ts file nor a folder: ${target.ignored.join(', ')}\n`)
        }
        const started = performance.now()
        const progress = createProgress({ stream: stderr, total: target.submissions.length })
        const students = await gradeBatch({
          exercise,
          submissions: target.submissions,
          sessions,
          concurrency: args.concurrency,
          onStart: progress.start,
          onGraded: progress.finish,
        })
        progress.end()
        if (typeChecked) {
          for (const [index, student] of students.entries()) {
            const errors = await typeErrorsFor(target.submissions[index]!.path)
            if (errors) student.typeErrors = errors
          }
        }
        const summary = summarize(students)
        if (showReport) {
          const width = stdout.isTTY ? stdout.columns : undefined
          stdout.write(formatBatchReport(students, summary, { paint: paintFor(stdout), width, durationMs: performance.now() - started }))
          if (typeChecked)
            stdout.write(
              formatTypeErrors(
                students.map(({ file, typeErrors }) => ({ file, errors: typeErrors })),
                paintFor(stdout),
              ),
            )
        }
        const json: BatchResult = { version: 3, exerciseId: exercise.id, ...(args.shard ? { shard: args.shard } : {}), students, summary }
        outputs = { json, suites: students.map(toSuite), passed: summary.passed === summary.total }
      }
    } finally {
      await sessions.dispose()
    }
  } finally {
    await db.dispose()
  }

  const typeCheckFailure = await typeChecked
  if (typeCheckFailure && !(typeCheckFailure instanceof Map)) stderr.write(`Could not type-check: ${typeCheckFailure.failed}\n`)
  try {
    if (args.jsonPath !== undefined) {
      if (args.format === 'json') await writeOutput(args.jsonPath, asJson(outputs.json), stdout)
      else
        await writeStandardResults({
          format: args.format,
          exercise,
          suites: outputs.suites,
          path: args.jsonPath,
          batch: target.kind === 'batch',
          stdout,
        })
    }
    if (args.junitPath !== undefined) await writeOutput(args.junitPath, toJUnitXml(exercise.id, outputs.suites), stdout)
  } catch (error) {
    stderr.write(`${paintFor(stderr).red('error:')} could not write the results: ${(error as Error).message}\n`)
    return EXIT.usage
  }
  // Exercism's and Gradescope's runners exit 0 whenever they ran: the verdict is in the file.
  return outputs.passed || args.format !== 'json' ? EXIT.passed : EXIT.notPassed
}

const asJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

interface StandardResultsOptions {
  format: Exclude<ResultFormat, 'json'>
  exercise: Exercise
  suites: JUnitSuite[]
  /** A file (or "-") for one submission; a folder of <student>/results.json for a batch. */
  path: string
  batch: boolean
  stdout: NodeJS.WriteStream
}

/** Exercism's or Gradescope's results.json: one per submission, as those runners write them. */
async function writeStandardResults({ format, exercise, suites, path, batch, stdout }: StandardResultsOptions) {
  const testCode = format === 'exercism' ? await checkTestCode(exercise.dir, exercise.checks) : undefined
  const convert = (result: SubmissionResult) => (testCode ? toExercismResults(result, testCode) : toGradescopeResults(result, exercise.checks))
  if (!batch) return writeOutput(path, asJson(convert(suites[0]!.result)), stdout)
  for (const { name, result } of suites) await writeOutput(join(path, folderNameFor(name), 'results.json'), asJson(convert(result)), stdout)
}

/** A student's name as one folder name: "alice/app.ts" (a name made unique by its path) becomes "alice_app.ts". */
function folderNameFor(student: string): string {
  return student.replaceAll('/', '_')
}

function toSuite({ student, file, ...result }: StudentResult) {
  return { name: student, file, result }
}

/** loadExercise, with an exercise whose files are broken turned into a usage error that says what is wrong. */
async function loadExerciseForCli(id: string): Promise<Exercise> {
  try {
    return await loadExercise(id)
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message)
    throw error
  }
}
