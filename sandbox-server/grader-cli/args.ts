/**
 * The grader CLI's command line: what it accepts (the usage text) and how it is read. Every
 * mistake becomes a UsageError whose message says what is wrong and what to type instead;
 * the CLI prints it with a pointer to --help and exits 2.
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'

export const USAGE = `Usage: npm run grade -- --exercise <id> <path> [options]
       npm run grade -- --merge <results.json>... [--json <file>] [--junit <file>]
       backend-sandbox-grade --exercise <id> <path> [options]

Grades submissions for one exercise with the same checks learners run in the browser.

<path> is one submission (a .ts file) or a folder of submissions, either
  one .ts file per student       submissions/alice.ts  -> student "alice"
  one folder per student         submissions/bob/app.ts -> student "bob"
  (a folder with several .ts files needs one named app.ts, index.ts or solution.ts)
Symbolic links are followed inside <path>; one leading outside it is not graded.

Options:
  -e, --exercise <id>     the exercise to grade against, e.g. crud-notes (required)
      --json <file>       write the results as JSON ("-" for stdout, instead of the report)
      --format <format>   the JSON --json writes:
                            json        this grader's own, with hints, timings and curl lines (default)
                            exercism    Exercism's test-runner results.json, version 3
                            gradescope  Gradescope's autograder results.json
                          exercism and gradescope write one results.json per submission: for a
                          folder, --json names a folder and gets <student>/results.json each
      --single            <path> is a folder holding one submission (its app.ts, index.ts,
                          solution.ts or only .ts file), as Exercism and Gradescope hand it over
      --junit <file>      write JUnit XML for CI: a test suite per student, a test case per check
      --typecheck         also type-check each submission (strict, as the editor does) and list
                          tsc's errors at the submission's lines: in the report and as typeErrors
                          in --json's own format; they do not change the grade
  -c, --concurrency <n>   submissions graded at once (default: ${availableParallelism()}, the core count)
      --shard <k>/<n>     grade only the k-th of every n submissions of a folder, in name order
                          (1/8 ... 8/8), so n machines can share a folder; --json writes that
                          shard's results, which --merge joins
      --merge             <path>s are the --json files of every shard of one folder: join them
                          into one result, in the order one run gives, and write it with --json
                          and --junit as one run would (no grading, no sandbox)
  -h, --help              show this text

Exit codes: 0 every submission passed, 1 some failed or could not be graded, 2 usage error.
With --format exercism or gradescope: 0 whenever grading ran, whatever the results (as those
runners must), 2 usage error.

Examples:
  npm run grade -- --exercise crud-notes exercises/crud-notes/solution.ts
  npm run grade -- -e crud-notes submissions/ --json results.json --junit junit.xml
  npm run grade -- -e crud-notes submissions/ --typecheck
  npm run grade -- -e crud-notes submissions/ --format exercism --json results/
  npm run grade -- -e crud-notes submissions/ --shard 2/8 --json shard-2.json
  npm run grade -- --merge shard-*.json --json results.json --junit junit.xml`

/** A mistake on the command line: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export const RESULT_FORMATS = ['json', 'exercism', 'gradescope'] as const
export type ResultFormat = (typeof RESULT_FORMATS)[number]

export interface GradeArgs {
  help: boolean
  exerciseId: string
  /** A .ts file or a folder of submissions, as typed. */
  path: string
  /** Where to write JSON results; "-" means stdout. A folder for exercism and gradescope batches. */
  jsonPath: string | undefined
  /** The shape of the JSON. */
  format: ResultFormat
  /** The path is a folder holding one submission. */
  single: boolean
  junitPath: string | undefined
  concurrency: number
  /** Type-check each submission too, and report tsc's errors beside the grade. */
  typecheck: boolean
  /** Grade only the index-th (1-based) of every `count` submissions of a folder. */
  shard: Shard | undefined
  /** Join shards' --json files (in `inputs`) instead of grading. */
  merge: boolean
  /** With --merge: the shards' results files. */
  inputs: string[]
}

/** One of `count` equal parts of a folder of submissions: the index-th (1-based) of every `count`, in name order. */
export interface Shard {
  index: number
  count: number
}

/**
 * Reads the grader's arguments; throws UsageError naming the problem.
 *
 * @example
 * parseGradeArgs(['--exercise', 'crud-notes', 'submissions/', '--concurrency', '4'])
 * // { help: false, exerciseId: 'crud-notes', path: 'submissions/', concurrency: 4, format: 'json', single: false, ... }
 */
export function parseGradeArgs(argv: string[]): GradeArgs {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        exercise: { type: 'string', short: 'e' },
        json: { type: 'string' },
        junit: { type: 'string' },
        format: { type: 'string' },
        single: { type: 'boolean' },
        typecheck: { type: 'boolean' },
        concurrency: { type: 'string', short: 'c' },
        shard: { type: 'string' },
        merge: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    // parseArgs explains well ("Unknown option '--jsn'") but adds advice about "--" we do not want.
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'))
  }
  const { values, positionals } = parsed
  const empty = {
    exerciseId: '',
    path: '',
    jsonPath: undefined,
    junitPath: undefined,
    format: 'json' as const,
    single: false,
    concurrency: availableParallelism(),
    typecheck: false,
    shard: undefined,
    merge: false,
    inputs: [],
  }
  if (values.help) return { help: true, ...empty }
  if (values.merge) return parseMergeArgs(values, positionals, empty)

  if (!values.exercise) throw new UsageError('Missing --exercise <id>: which exercise are these submissions for? (e.g. --exercise crud-notes)')
  if (positionals.length === 0) throw new UsageError('Missing <path>: give a submission file (.ts) or a folder of submissions.')
  if (positionals.length > 1) {
    throw new UsageError(`Expected one <path>, got ${positionals.length}: ${positionals.join(' ')}. To grade several files, put them in one folder.`)
  }
  for (const [flag, value] of [
    ['--json', values.json],
    ['--junit', values.junit],
  ] as const) {
    if (value === '') throw new UsageError(`${flag} needs a file name, e.g. ${flag} results.${flag === '--json' ? 'json' : 'xml'}`)
  }
  if (values.junit === '-') throw new UsageError('--junit needs a file name (only --json can write to stdout with "-").')

  const format = (values.format ?? 'json') as ResultFormat
  if (!RESULT_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${RESULT_FORMATS.join(', ')}, got "${values.format}".`)
  }
  if (format !== 'json' && values.json === undefined) {
    throw new UsageError(`--format ${format} says what --json writes: add --json <file>, or --json <folder> for a folder of submissions.`)
  }

  let concurrency = empty.concurrency
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency)
    if (!/^\d+$/.test(values.concurrency) || concurrency < 1) {
      throw new UsageError(`--concurrency must be a whole number of 1 or more, got "${values.concurrency}".`)
    }
  }
  return {
    ...empty,
    help: false,
    exerciseId: values.exercise,
    path: positionals[0]!,
    jsonPath: values.json,
    junitPath: values.junit,
    format,
    single: values.single ?? false,
    concurrency,
    typecheck: values.typecheck ?? false,
    shard: values.shard === undefined ? undefined : parseShard(values.shard),
  }
}

/**
 * "2/8" as { index: 2, count: 8 }; throws UsageError for anything else.
 *
 * @example
 * parseShard('2/8') // { index: 2, count: 8 }
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text)
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0]
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard takes <k>/<n> with 1 <= k <= n, e.g. --shard 2/8 for the second of eight; got "${text}".`)
  }
  return { index, count }
}

/** --merge's command line: the results files to join, and where to write the whole. */
function parseMergeArgs(
  values: { exercise?: string; json?: string; junit?: string; format?: string; single?: boolean; typecheck?: boolean; shard?: string },
  positionals: string[],
  empty: Omit<GradeArgs, 'help'>,
): GradeArgs {
  if (positionals.length === 0) throw new UsageError('--merge needs the --json files of the shards to join, e.g. --merge shard-*.json.')
  for (const [flag, given] of [
    ['--shard', values.shard !== undefined],
    ['--single', values.single],
    ['--typecheck', values.typecheck],
    ['--format', values.format !== undefined && values.format !== 'json'],
  ] as const) {
    if (given) throw new UsageError(`--merge grades nothing, so ${flag} has no meaning with it: give it to each shard's run instead.`)
  }
  if (values.json === '' || values.junit === '' || values.junit === '-')
    throw new UsageError('--json and --junit need a file name (--json may be "-").')
  return {
    ...empty,
    help: false,
    merge: true,
    inputs: positionals,
    exerciseId: values.exercise ?? '',
    jsonPath: values.json,
    junitPath: values.junit,
  }
}
