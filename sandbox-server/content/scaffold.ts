/**
 * `npm run lessons:new -- <role> <slug>`: a new lesson folder and its exercise from the files in
 * `template/`, numbered after the role's last lesson. The template passes `lessons:check` as it
 * stands (its starter fails the template check, its solution passes), so an instructor starts
 * from something green and changes one piece at a time. It never overwrites anything. With
 * `--tests` the exercise is a test-writing one (template/tests/): app.ts under test, and checks
 * that grade the learner's tests against mutants of it. A plain exercise gets a mutants/ folder
 * with one learner bug in it (a patch of solution.ts, mutant-patch.ts), for `lessons:check --mutants` (check-mutants.ts).
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EXERCISE_ID_PATTERN } from '../exercises/index.ts'
import { SLUG_PATTERN } from './schemas.ts'
import { NUMBERED_FOLDER, PROJECT_ROOT } from './lessons.ts'

const TEMPLATE_DIR = fileURLToPath(new URL('./template/', import.meta.url))
const GRADING_MODULE = fileURLToPath(new URL('../grading/index.ts', import.meta.url))
const EXERCISE_FILES = ['starter.ts', 'solution.ts', 'checks.ts', 'hints.md', 'seed.sql', 'mutants/newest-first.mutant'] as const
/** A test-writing exercise (`--tests`): the learner writes tests for app.ts; see template/tests/. */
const TEST_EXERCISE_FILES = ['app.ts', 'starter.ts', 'solution.ts', 'checks.ts', 'hints.md'] as const

/** The request cannot be carried out as asked; the message says why and what to do. */
export class ScaffoldRefused extends Error {
  override name = 'ScaffoldRefused'
}

export interface ScaffoldOptions {
  /** "03-database-whisperer", or "database-whisperer" when that role folder exists. */
  role: string
  /** The lesson's slug, also the new exercise's id, e.g. "joins-without-tears". */
  slug: string
  /** Paths in the result are relative to this folder. Default: the project root. */
  rootDir?: string
  /** Default: `<rootDir>/lessons`. */
  lessonsDir?: string
  /** Default: `<rootDir>/exercises`. */
  exercisesDir?: string
  /** A test-writing exercise: the learner writes the tests, graded against mutants of app.ts. */
  tests?: boolean
}

export interface ScaffoldResult {
  /** Every file written, relative to the root, in the order written. */
  created: string[]
  lessonFile: string
  exerciseDir: string
}

/** "joins-without-tears" → "Joins without tears" */
function titleFromSlug(slug: string): string {
  const words = slug.replaceAll('-', ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function pad(number: number) {
  return String(number).padStart(2, '0')
}

async function numberedFolders(dir: string) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries.flatMap((entry) => {
    const match = entry.isDirectory() ? NUMBERED_FOLDER.exec(entry.name) : null
    return match ? [{ folder: entry.name, number: Number(match[1]), slug: match[2]!, dir: join(dir, entry.name) }] : []
  })
}

async function fillTemplate(name: string, values: Record<string, string>): Promise<string> {
  const template = await readFile(join(TEMPLATE_DIR, `${name}.tmpl`), 'utf8')
  return template.replaceAll(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '')
}

/** The role folder to add to: an existing one, or a new one when the role is given with its number. */
async function resolveRole(role: string, lessonsDir: string) {
  const match = NUMBERED_FOLDER.exec(role) ?? (new RegExp(SLUG_PATTERN).test(role) ? [role, undefined, role] : null)
  if (!match) throw new ScaffoldRefused(`"${role}" is not a role: give its folder, e.g. "03-database-whisperer", or just "database-whisperer"`)
  const [, numberText, slug] = match as [string, string | undefined, string]
  const roles = await numberedFolders(lessonsDir)
  const existing = roles.find((candidate) => candidate.slug === slug)
  const known = roles.map((candidate) => candidate.folder).join(', ') || 'none yet'
  if (existing) {
    if (numberText !== undefined && Number(numberText) !== existing.number) {
      throw new ScaffoldRefused(`the role "${slug}" is ${existing.folder}: give "${existing.folder}" or just "${slug}"`)
    }
    return { ...existing, isNew: false }
  }
  if (numberText === undefined) {
    const free = pad(Math.max(-1, ...roles.map((candidate) => candidate.number)) + 1)
    throw new ScaffoldRefused(`there is no role "${slug}" (found: ${known}); to start a new role give its number, e.g. "${free}-${slug}"`)
  }
  const taken = roles.find((candidate) => candidate.number === Number(numberText))
  if (taken) throw new ScaffoldRefused(`the number ${numberText} belongs to ${taken.folder}; pick a free number for "${slug}"`)
  return { folder: role, number: Number(numberText), slug, dir: join(lessonsDir, role), isNew: true }
}

/**
 * Writes the lesson, its exercise and (for a new role) role.md; refuses rather than overwrite.
 *
 * @example
 * const { created } = await scaffoldLesson({ role: 'database-whisperer', slug: 'joins-without-tears' })
 * // ['lessons/03-database-whisperer/02-joins-without-tears/lesson.md', 'exercises/joins-without-tears/starter.ts', ...]
 */
export async function scaffoldLesson({
  role,
  slug,
  rootDir = PROJECT_ROOT,
  lessonsDir = join(rootDir, 'lessons'),
  exercisesDir = join(rootDir, 'exercises'),
  tests = false,
}: ScaffoldOptions): Promise<ScaffoldResult> {
  if (!new RegExp(SLUG_PATTERN).test(slug) || !EXERCISE_ID_PATTERN.test(slug)) {
    throw new ScaffoldRefused(`"${slug}" is not a slug: use lowercase words joined by dashes (at most 64 characters), e.g. "joins-without-tears"`)
  }
  const roleFolder = await resolveRole(role, lessonsDir)

  // Slugs are unique across the course, and the exercise takes the same name.
  for (const other of await numberedFolders(lessonsDir)) {
    const clash = (await numberedFolders(other.dir)).find((lesson) => lesson.slug === slug)
    if (clash) throw new ScaffoldRefused(`a lesson "${slug}" already exists: ${relative(rootDir, clash.dir).split(sep).join('/')}`)
  }
  const exerciseDir = join(exercisesDir, slug)
  const exists = await readdir(exerciseDir).then(
    () => true,
    () => false,
  )
  if (exists) throw new ScaffoldRefused(`exercises/${slug} already exists; pick another slug (nothing was overwritten)`)

  const lessons = roleFolder.isNew ? [] : await numberedFolders(roleFolder.dir)
  const order = Math.max(0, ...lessons.map((lesson) => lesson.number)) + 1
  if (order > 99) throw new ScaffoldRefused(`${roleFolder.folder} already has a lesson numbered 99`)
  const lessonDir = join(roleFolder.dir, `${pad(order)}-${slug}`)

  const created: string[] = []
  const write = async (file: string, text: string) => {
    // "wx" fails if the file exists: a last guard against overwriting.
    await writeFile(file, text, { flag: 'wx' })
    created.push(relative(rootDir, file).split(sep).join('/'))
  }
  if (roleFolder.isNew) {
    await mkdir(roleFolder.dir, { recursive: true })
    await write(
      join(roleFolder.dir, 'role.md'),
      await fillTemplate('role.md', { title: titleFromSlug(roleFolder.slug), order: String(roleFolder.number) }),
    )
  }
  await mkdir(lessonDir)
  const lessonFile = join(lessonDir, 'lesson.md')
  await write(
    lessonFile,
    await fillTemplate('lesson.md', { title: titleFromSlug(slug), role: roleFolder.slug, exercise: slug, order: String(order) }),
  )

  await mkdir(join(exerciseDir, tests ? '' : 'mutants'), { recursive: true })
  const gradingModule = relative(exerciseDir, GRADING_MODULE).split(sep).join('/')
  for (const file of tests ? TEST_EXERCISE_FILES : EXERCISE_FILES) {
    await write(join(exerciseDir, file), await fillTemplate(tests ? `tests/${file}` : file, { gradingModule }))
  }
  return { created, lessonFile, exerciseDir }
}
