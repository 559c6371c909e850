/**
 * Finds the submissions a teacher points the grader at: one file, or a folder holding one .ts
 * file per student or one folder per student. A student whose folder is ambiguous becomes a
 * submission with a `problem` (graded as an error with that message); it never stops the batch.
 * Nothing here runs or compiles learner code: it only lists and reads files.
 */
import type { Dirent } from 'node:fs'
import { readFile, readdir, realpath, stat } from 'node:fs/promises'
import { isUtf8 } from 'node:buffer'
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path'
import { UsageError } from './args.ts'

/** When a student's folder holds several .ts files, the first of these present is the app. */
export const PREFERRED_ENTRY_FILES = ['app.ts', 'index.ts', 'solution.ts']
/** The most code one submission may hold, as in the browser (the API takes 256 KB bodies). */
export const MAX_SUBMISSION_BYTES = 256 * 1024

export interface Submission {
  /** The student's name: the file name without .ts, or the folder name. */
  student: string
  /** Where the code is, relative to the folder graded (or as given, for a single file). */
  file: string
  /** Absolute path of the code (or of the student's folder when there is a problem). */
  path: string
  /** Why this student cannot be graded, e.g. several .ts files and none named app.ts. */
  problem?: string
}

export type GradeTarget =
  | { kind: 'single'; submission: Submission }
  | { kind: 'batch'; root: string; submissions: Submission[]; /** Entries that are neither .ts files nor folders. */ ignored: string[] }

const isTypeScript = (name: string) => name.endsWith('.ts') && !name.endsWith('.d.ts')
const isHidden = (name: string) => name.startsWith('.') || name === 'node_modules'

/**
 * Resolves `path` to one submission or a batch; throws UsageError when it does not exist or
 * holds no submissions.
 *
 * @example
 * const target = await findSubmissions('submissions/')
 * if (target.kind === 'batch') console.log(target.submissions.map((s) => s.student)) // ['alice', 'bob']
 * await findSubmissions('/autograder/submission', { single: true }) // { kind: 'single', submission: { file: 'submission/app.ts', ... } }
 */
export async function findSubmissions(path: string, { single = false }: { single?: boolean } = {}): Promise<GradeTarget> {
  const absolute = resolve(path)
  const info = await stat(absolute).catch(() => undefined)
  if (!info) throw new UsageError(`${path} does not exist: give a submission file (.ts) or a folder of submissions.`)
  if (info.isFile()) return { kind: 'single', submission: { student: basename(absolute, extname(absolute)), file: path, path: absolute } }
  if (!info.isDirectory()) throw new UsageError(`${path} is neither a file nor a folder.`)
  // One student's folder, as Exercism's and Gradescope's runners hand a submission over.
  if (single) return { kind: 'single', submission: await studentFolder(basename(absolute), absolute, dirname(absolute)) }

  const submissions: Submission[] = []
  const ignored: string[] = []
  const root = await realpath(absolute)
  const entries = (await readdir(absolute, { withFileTypes: true })).filter((entry) => !isHidden(entry.name))
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const entryPath = join(absolute, entry.name)
    const kind = await entryKind(entry, entryPath, root)
    if (kind.problem !== undefined) {
      const student = kind.isFile ? basename(entry.name, '.ts') : entry.name
      submissions.push({ student, file: entry.name, path: entryPath, problem: kind.problem })
    } else if (kind.isFile && isTypeScript(entry.name)) {
      submissions.push({ student: basename(entry.name, '.ts'), file: entry.name, path: entryPath })
    } else if (kind.isDirectory) {
      submissions.push(await studentFolder(entry.name, entryPath, absolute, root))
    } else {
      ignored.push(entry.name)
    }
  }
  if (submissions.length === 0) {
    throw new UsageError(`${path} holds no submissions: expected one .ts file per student, or one folder per student with a .ts file in it.`)
  }
  return { kind: 'batch', root: absolute, submissions: withUniqueNames(submissions), ignored }
}

interface EntryKind {
  isFile: boolean
  isDirectory: boolean
  /** Why a symbolic link cannot be graded. */
  problem?: string
}

/**
 * What a folder entry is, following a symbolic link when it leads to a file or folder inside
 * the submissions folder (`root`, a real path). A link that is broken or leads outside is a
 * problem: grading it would read files the teacher did not hand in.
 */
async function entryKind(entry: Dirent, path: string, root: string): Promise<EntryKind> {
  if (!entry.isSymbolicLink()) return { isFile: entry.isFile(), isDirectory: entry.isDirectory() }
  const isTs = isTypeScript(entry.name)
  const target = await realpath(path).catch(() => undefined)
  if (target === undefined) return { isFile: isTs, isDirectory: !isTs, problem: `${entry.name} is a broken symbolic link: copy the file itself in.` }
  const info = await stat(target)
  if (target !== root && !target.startsWith(`${root}${sep}`)) {
    return {
      isFile: info.isFile(),
      isDirectory: info.isDirectory(),
      problem: `${entry.name} is a symbolic link to ${info.isDirectory() ? 'a folder' : 'a file'} outside the submissions folder, which the grader does not follow: copy it in instead.`,
    }
  }
  return { isFile: info.isFile(), isDirectory: info.isDirectory() }
}

/** The one .ts file in a student's folder, or the preferred one of several, or a problem. */
async function studentFolder(student: string, folder: string, root: string, realRoot?: string): Promise<Submission> {
  const inside = realRoot ?? (await realpath(folder))
  const files: string[] = []
  const problems: string[] = []
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (isHidden(entry.name) || !isTypeScript(entry.name)) continue
    const kind = await entryKind(entry, join(folder, entry.name), inside)
    if (kind.problem !== undefined) problems.push(`${student}/${kind.problem}`)
    else if (kind.isFile) files.push(entry.name)
  }
  files.sort()
  const chosen = files.length === 1 && problems.length === 0 ? files[0] : PREFERRED_ENTRY_FILES.find((name) => files.includes(name))
  if (chosen) return { student, file: relative(root, join(folder, chosen)), path: join(folder, chosen) }
  if (problems.length) return { student, file: `${student}/`, path: folder, problem: problems.join(' ') }
  const problem =
    files.length === 0
      ? `No .ts file in ${student}/: put the student's app in ${student}/app.ts.`
      : `${student}/ holds ${files.length} .ts files (${files.join(', ')}) and none is named ${PREFERRED_ENTRY_FILES.slice(0, -1).join(', ')} or ${PREFERRED_ENTRY_FILES.at(-1)}: rename the app's file to app.ts.`
  return { student, file: `${student}/`, path: folder, problem }
}

/** alice.ts beside an alice/ folder: both are kept, named by their paths so no grade overwrites another. */
function withUniqueNames(submissions: Submission[]): Submission[] {
  const counts = new Map<string, number>()
  for (const { student } of submissions) counts.set(student, (counts.get(student) ?? 0) + 1)
  return submissions.map((submission) => (counts.get(submission.student)! > 1 ? { ...submission, student: submission.file } : submission))
}

/**
 * A submission's code; throws an Error whose message says why it cannot be used, after
 * "Could not read <file>: ":
 * too large, or not UTF-8 (read as UTF-8 anyway it would be graded with replacement characters
 * where the student wrote something else).
 */
export async function readSubmissionCode(submission: Submission): Promise<string> {
  const { size } = await stat(submission.path)
  if (size > MAX_SUBMISSION_BYTES) {
    throw new Error(`it is ${Math.round(size / 1024)} KB; a submission may hold at most ${MAX_SUBMISSION_BYTES / 1024} KB of code.`)
  }
  const bytes = await readFile(submission.path)
  if (!isUtf8(bytes)) {
    throw new Error(`it is not UTF-8 text (line ${firstNonUtf8Line(bytes)} holds bytes UTF-8 does not allow): save it as UTF-8 and grade it again.`)
  }
  return new TextDecoder().decode(bytes)
}

/** The number (from 1) of the first line that is not valid UTF-8. */
function firstNonUtf8Line(bytes: Buffer): number {
  let line = 1
  for (let start = 0; start < bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, start)
    const end = newline < 0 ? bytes.length : newline
    if (!isUtf8(bytes.subarray(start, end))) return line
    start = end + 1
  }
  return line
}
