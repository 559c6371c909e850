/**
 * The grader CLI as a function from arguments to an exit code. This half is cheap: it reads the
 * arguments, finds the exercise and the submissions and checks that the outputs can be written,
 * so every usage error answers at once (exit 2); only then does it load the sandbox and grade
 * (grade-and-report.ts). 0 when every submission passed, 1 when any did not; with Exercism's or
 * Gradescope's format 0 whenever grading ran, as those runners must.
 */
import { listExercises } from '../exercises/index.ts'
import { USAGE, UsageError, parseGradeArgs, type GradeArgs, type Shard } from './args.ts'
import { findSubmissions, type GradeTarget } from './submissions.ts'
import { paintFor } from './colors.ts'
import { prepareOutput } from './outputs.ts'
import { EXIT, type GraderStreams } from './exit.ts'

export { EXIT, type GraderStreams }

/**
 * Runs the grader; resolves to the process exit code. Throws only for a fault of the grader
 * itself (e.g. the database pool cannot start), never for a submission.
 *
 * @example
 * process.exitCode = await runGraderCli(['--exercise', 'crud-notes', 'submissions/', '--json', 'results.json'])
 */
export async function runGraderCli(argv: string[], streams: GraderStreams = process): Promise<number> {
  const { stdout, stderr } = streams
  const usageError = (error: unknown) => {
    if (!(error instanceof UsageError)) throw error
    stderr.write(`${paintFor(stderr).red('error:')} ${error.message}\nRun with --help for usage.\n`)
    return EXIT.usage
  }
  let args: GradeArgs
  let target: GradeTarget
  try {
    args = parseGradeArgs(argv)
    if (args.help) {
      stdout.write(`${USAGE}\n`)
      return EXIT.passed
    }
    if (args.merge) {
      if (args.jsonPath !== undefined) await prepareOutput(args.jsonPath, 'file', '--json')
      if (args.junitPath !== undefined) await prepareOutput(args.junitPath, 'file', '--junit')
      const { mergeShards } = await import('./merge.ts')
      return await mergeShards(args, streams)
    }
    ;[, target] = await Promise.all([checkExerciseExists(args.exerciseId), findSubmissions(args.path, { single: args.single })])
    if (args.shard) target = shardOf(target, args.shard)
    const batch = target.kind === 'batch'
    if (batch && args.format !== 'json' && args.jsonPath === '-') {
      throw new UsageError(`--format ${args.format} writes one results.json per submission: give --json a folder for a folder of submissions.`)
    }
    if (args.jsonPath !== undefined) await prepareOutput(args.jsonPath, batch && args.format !== 'json' ? 'folder' : 'file', '--json')
    if (args.junitPath !== undefined) await prepareOutput(args.junitPath, 'file', '--junit')
  } catch (error) {
    return usageError(error)
  }
  // The sandbox, the exercise's checks and the database pool load only now.
  const { gradeAndReport } = await import('./grade-and-report.ts')
  return gradeAndReport(args, target, streams).catch(usageError)
}

/**
 * The part of a folder of submissions one shard grades: the index-th of every `count`, in the
 * folder's name order (so a part's i-th submission is the whole's i * count + index - 1-th).
 */
function shardOf(target: GradeTarget, { index, count }: Shard): GradeTarget {
  if (target.kind !== 'batch') throw new UsageError('--shard splits a folder of submissions: give it a folder, not one submission.')
  return { ...target, submissions: target.submissions.filter((_, position) => position % count === index - 1) }
}

/** A usage error listing the real exercises when `id` is not one; reads only folder names. */
async function checkExerciseExists(id: string): Promise<void> {
  const ids = await listExercises()
  if (!ids.includes(id)) {
    throw new UsageError(`There is no exercise "${id}". Exercises: ${ids.join(', ') || '(none found in exercises/)'}.`)
  }
}
