/**
 * `--merge`: joins the --json files of every shard of one folder (`--shard k/n`) into the result
 * one run over the whole folder gives, the students in the same order, and writes it as that run
 * would (report, --json, --junit). It grades nothing and loads no sandbox.
 */
import { readFile } from 'node:fs/promises'
import { Value } from '@sinclair/typebox/value'
import { UsageError, type GradeArgs } from './args.ts'
import { paintFor } from './colors.ts'
import { EXIT, type GraderStreams } from './exit.ts'
import { toJUnitXml } from './junit.ts'
import { writeOutput } from './outputs.ts'
import { BatchResult, summarize, type StudentResult } from './results.ts'
import { formatBatchReport } from './terminal-report.ts'

/** One shard's results file, read and checked; throws UsageError naming the file and what is wrong. */
async function readShard(file: string): Promise<BatchResult & { shard: NonNullable<BatchResult['shard']> }> {
  let value: unknown
  try {
    value = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON'
    throw new UsageError(`${file}: ${reason}; --merge takes the files that --json wrote for each --shard.`)
  }
  const problem = Value.Errors(BatchResult, value).First()
  if (problem) throw new UsageError(`${file} is not a grader's results file (--format json): ${problem.path || '/'} ${problem.message}.`)
  const result = value as BatchResult
  if (!result.shard) throw new UsageError(`${file} holds a whole folder's results, not a shard's: --merge joins the files of --shard runs.`)
  return result as BatchResult & { shard: NonNullable<BatchResult['shard']> }
}

/**
 * Joins the shards named in `args.inputs`; resolves to the exit code (0 when every student
 * passed, 1 when any did not). Throws UsageError for files that are not every shard of one
 * folder graded against one exercise, saying which.
 *
 * @example
 * await mergeShards(parseGradeArgs(['--merge', 'shard-1.json', 'shard-2.json', '--json', 'all.json']), process)
 */
export async function mergeShards(args: GradeArgs, { stdout }: GraderStreams): Promise<number> {
  const shards = await Promise.all(args.inputs.map(readShard))
  const [first] = shards
  const exerciseId = args.exerciseId || first!.exerciseId
  const count = first!.shard.count
  const byIndex = new Map<number, (typeof shards)[number]>()
  for (const [position, shard] of shards.entries()) {
    const file = args.inputs[position]
    if (shard.exerciseId !== exerciseId)
      throw new UsageError(`${file} grades "${shard.exerciseId}", not "${exerciseId}": merge one exercise's shards.`)
    if (shard.shard.count !== count)
      throw new UsageError(`${file} is a shard of ${shard.shard.count}, ${args.inputs[0]} of ${count}: merge one split's shards.`)
    if (byIndex.has(shard.shard.index)) throw new UsageError(`Shard ${shard.shard.index}/${count} is given twice (${file}).`)
    byIndex.set(shard.shard.index, shard)
  }
  const missing = Array.from({ length: count }, (_, index) => index + 1).filter((index) => !byIndex.has(index))
  if (missing.length)
    throw new UsageError(
      `Missing shard${missing.length === 1 ? '' : 's'} ${missing.map((index) => `${index}/${count}`).join(', ')}: give every shard's file.`,
    )

  // Shard k holds the whole's submissions k-1, k-1+n, k-1+2n...: put each back in its place.
  const total = shards.reduce((sum, shard) => sum + shard.students.length, 0)
  const students: StudentResult[] = new Array(total)
  for (const [index, shard] of byIndex) {
    const expected = Math.max(0, Math.ceil((total - (index - 1)) / count))
    if (shard.students.length !== expected) {
      throw new UsageError(
        `Shard ${index}/${count} has ${shard.students.length} submissions where ${expected} belong: were the shards graded on the same folder?`,
      )
    }
    shard.students.forEach((student, place) => (students[place * count + index - 1] = student))
  }
  const summary = summarize(students)
  const merged: BatchResult = { version: 3, exerciseId, students, summary }

  if (args.jsonPath !== '-')
    stdout.write(formatBatchReport(students, summary, { paint: paintFor(stdout), width: stdout.isTTY ? stdout.columns : undefined }))
  if (args.jsonPath !== undefined) await writeOutput(args.jsonPath, `${JSON.stringify(merged, null, 2)}\n`, stdout)
  if (args.junitPath !== undefined) {
    const suites = students.map(({ student, file, ...result }) => ({ name: student, file, result }))
    await writeOutput(args.junitPath, toJUnitXml(exerciseId, suites), stdout)
  }
  return summary.passed === summary.total ? EXIT.passed : EXIT.notPassed
}
