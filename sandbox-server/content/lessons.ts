/**
 * The course on disk, read into a typed tree: `lessons/<NN-role>/role.md` (RoleFrontmatter and
 * an introduction) and `lessons/<NN-role>/<NN-slug>/lesson.md` (LessonFrontmatter and the lesson
 * text). Folder numbers give the order and must agree with each file's `order`; a lesson's
 * `role` must name its role folder; lesson slugs are unique across the course; a lesson's
 * `exercise` must be a folder under `exercises/`.
 *
 * `readCourse` is lenient: it returns every file that parsed plus the problems it found, for the
 * validator. `loadCourse` is strict: it returns the course or throws InvalidCourse, for the
 * server and the site. Nothing here knows about a particular lesson.
 */
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { listExercises, readOptional } from '../exercises/index.ts'
import { LessonFrontmatter, RoleFrontmatter } from './schemas.ts'
import { parseFrontmatter, type ParsedFrontmatter } from './frontmatter.ts'
import { formatProblem, sortProblems, type ContentProblem } from './problems.ts'

/** The project folder that holds `lessons/` and `exercises/`. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** `NN-slug`: two digits, a dash, then lowercase words joined by dashes. */
export const NUMBERED_FOLDER = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/

export interface CourseDirs {
  /** Problems name files relative to this folder. Default: the project root. */
  rootDir?: string
  /** Default: `<rootDir>/lessons`. */
  lessonsDir?: string
  /** Where lessons' `exercise` ids must exist. Default: `<rootDir>/exercises`. */
  exercisesDir?: string
}

interface ContentFile {
  /** The slug from the folder name, e.g. "database-whisperer". */
  slug: string
  /** The number from the folder name, e.g. 3 for "03-database-whisperer". */
  number: number
  /** The folder name, e.g. "03-database-whisperer". */
  folder: string
  /** Absolute path of the folder. */
  dir: string
  /** Absolute path of role.md or lesson.md. */
  file: string
  /** That file relative to the root, with forward slashes, as problems name it. */
  path: string
  /** Line of each top-level frontmatter key. */
  keyLines: Record<string, number>
  /** The line where the markdown after the frontmatter starts. */
  bodyLine: number
}

export interface Lesson extends ContentFile {
  frontmatter: LessonFrontmatter
  /** The lesson text, markdown. */
  body: string
}

export interface Role extends ContentFile {
  frontmatter: RoleFrontmatter
  /** The role's introduction, markdown. */
  intro: string
  /** In folder order. */
  lessons: Lesson[]
}

export interface Course {
  /** In folder order. */
  roles: Role[]
}

/** What readCourse found: the valid part of the course, and everything else. */
export interface CourseReading {
  /** Every role and lesson whose file is valid. */
  course: Course
  /** In reading order, each file's by line. */
  problems: ContentProblem[]
  /** role.md and lesson.md files found, valid or not. */
  found: { roles: number; lessons: number }
  /** Exercise ids that lessons name, valid or not (a lesson that is not YAML names none). */
  referencedExercises: Set<string>
}

/** The course has problems; `problems` lists every one, `message` prints them. */
export class InvalidCourse extends Error {
  override name = 'InvalidCourse'
  constructor(readonly problems: ContentProblem[]) {
    super(
      `The course has ${problems.length} problem${problems.length === 1 ? '' : 's'} (run npm run lessons:check):\n${problems.map(formatProblem).join('\n')}`,
    )
  }
}

/** The sub-folders of `dir` in name order, with number and slug when the name fits NN-slug. */
async function subFolders(dir: string) {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
    .map((folder) => {
      const match = NUMBERED_FOLDER.exec(folder)
      return { folder, dir: join(dir, folder), number: Number(match?.[1]), slug: match?.[2] ?? '', numbered: match !== null }
    })
}

function badFolderName(path: string, example: string): ContentProblem {
  return {
    severity: 'error',
    file: path,
    field: 'folder name',
    message: `expected two digits, a dash and a slug of lowercase words, e.g. "${example}"`,
  }
}

/**
 * Reads one role.md or lesson.md: the parsed frontmatter, or the problems with it.
 * `what` describes the file when it is missing.
 */
async function readContentFile<T>(
  file: string,
  path: string,
  parse: (source: string) => ParsedFrontmatter<T>,
  what: string,
  problems: ContentProblem[],
) {
  const source = await readOptional(file)
  if (source === undefined) {
    problems.push({ severity: 'error', file: path, message: `file is missing: ${what}` })
    return undefined
  }
  const parsed = parse(source)
  problems.push(...parsed.problems.map((problem): ContentProblem => ({ severity: 'error', file: path, ...problem })))
  return parsed
}

/** Folder number and `order` must agree, so the order on disk is the order learners see. */
function checkOrder(entry: ContentFile, order: number, problems: ContentProblem[]) {
  if (order === entry.number) return
  problems.push({
    severity: 'error',
    file: entry.path,
    line: entry.keyLines.order,
    field: 'order',
    message: `is ${order} but the folder is numbered ${entry.folder.slice(0, 2)}; make them agree (rename the folder or change order)`,
  })
}

/**
 * Reads every role and lesson it can and reports every problem it finds; never throws for
 * content problems (a missing lessons folder is one).
 *
 * @example
 * const { course, problems } = await readCourse({ rootDir: 'path/to/course' })
 * course.roles[0]?.lessons[0]?.frontmatter.title
 */
export async function readCourse({
  rootDir = PROJECT_ROOT,
  lessonsDir = join(rootDir, 'lessons'),
  exercisesDir = join(rootDir, 'exercises'),
}: CourseDirs = {}): Promise<CourseReading> {
  const displayPath = (file: string) => relative(rootDir, file).split(sep).join('/')
  const problems: ContentProblem[] = []
  const reading: CourseReading = { course: { roles: [] }, problems, found: { roles: 0, lessons: 0 }, referencedExercises: new Set() }
  const context: ReadContext = { displayPath, reading, lessonBySlug: new Map(), exerciseIds: await listExercises(exercisesDir) }

  let roleFolders
  try {
    roleFolders = await subFolders(lessonsDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    problems.push({ severity: 'error', file: displayPath(lessonsDir), message: 'the lessons folder does not exist' })
    return reading
  }

  const roleByNumber = new Map<number, string>()
  const roleBySlug = new Map<string, string>()
  for (const roleFolder of roleFolders) {
    const rolePath = displayPath(roleFolder.dir)
    if (!roleFolder.numbered) {
      problems.push(badFolderName(rolePath, '03-database-whisperer'))
      continue
    }
    claimFolder(
      roleByNumber,
      roleFolder.number,
      rolePath,
      problems,
      (other) => `${roleFolder.folder.slice(0, 2)} is also the number of ${other}; each role needs its own number`,
    )
    claimFolder(
      roleBySlug,
      roleFolder.slug,
      rolePath,
      problems,
      (other) => `the role "${roleFolder.slug}" is also ${other}; role names must be unique`,
    )

    const file = join(roleFolder.dir, 'role.md')
    const rolePathMd = displayPath(file)
    const parsed = await readContentFile(
      file,
      rolePathMd,
      (source) => parseFrontmatter(source, RoleFrontmatter),
      'every role folder needs a role.md with title, summary and order',
      problems,
    )
    if (parsed) reading.found.roles++
    const lessons = await readLessons(roleFolder, context)
    if (!parsed?.data) continue
    const role: Role = {
      ...roleFolder,
      file,
      path: rolePathMd,
      keyLines: parsed.keyLines,
      bodyLine: parsed.bodyLine,
      frontmatter: parsed.data,
      intro: parsed.body.trim(),
      lessons,
    }
    checkOrder(role, role.frontmatter.order, problems)
    reading.course.roles.push(role)
  }
  reading.problems = sortProblems(problems)
  return reading
}

/**
 * Records that the folder at `path` uses `key` (its number or slug); when an earlier folder
 * already did, reports the clash on this one, naming the last folder that used it.
 */
function claimFolder<K>(seen: Map<K, string>, key: K, path: string, problems: ContentProblem[], clash: (other: string) => string): void {
  const other = seen.get(key)
  if (other) problems.push({ severity: 'error', file: path, field: 'folder name', message: clash(other) })
  seen.set(key, path)
}

interface ReadContext {
  displayPath: (file: string) => string
  reading: CourseReading
  /** Where each lesson slug was first seen. */
  lessonBySlug: Map<string, string>
  exerciseIds: string[]
}

async function readLessons(
  roleFolder: { folder: string; slug: string; dir: string },
  { displayPath, reading, lessonBySlug, exerciseIds }: ReadContext,
): Promise<Lesson[]> {
  const { problems } = reading
  const lessons: Lesson[] = []
  const lessonByNumber = new Map<number, string>()
  for (const lessonFolder of await subFolders(roleFolder.dir)) {
    const lessonPath = displayPath(lessonFolder.dir)
    if (!lessonFolder.numbered) {
      problems.push(badFolderName(lessonPath, '01-your-first-route'))
      continue
    }
    claimFolder(
      lessonByNumber,
      lessonFolder.number,
      lessonPath,
      problems,
      (other) => `${lessonFolder.folder.slice(0, 2)} is also the number of ${other}; each lesson in a role needs its own number`,
    )
    claimFolder(
      lessonBySlug,
      lessonFolder.slug,
      lessonPath,
      problems,
      (other) => `the lesson slug "${lessonFolder.slug}" is also used by ${other}; lesson slugs must be unique in the course`,
    )

    const file = join(lessonFolder.dir, 'lesson.md')
    const path = displayPath(file)
    const parsed = await readContentFile(
      file,
      path,
      (source) => parseFrontmatter(source, LessonFrontmatter),
      'every lesson folder needs a lesson.md (npm run lessons:new makes one)',
      problems,
    )
    if (parsed) reading.found.lessons++
    const named = (parsed?.raw as { exercise?: unknown } | null | undefined)?.exercise
    if (typeof named === 'string') reading.referencedExercises.add(named)
    if (!parsed?.data) continue
    const lesson: Lesson = {
      ...lessonFolder,
      file,
      path,
      keyLines: parsed.keyLines,
      bodyLine: parsed.bodyLine,
      frontmatter: parsed.data,
      body: parsed.body.trim(),
    }
    if (lesson.frontmatter.role !== roleFolder.slug) {
      problems.push({
        severity: 'error',
        file: path,
        line: lesson.keyLines.role,
        field: 'role',
        message: `is "${lesson.frontmatter.role}" but the lesson is in the folder ${roleFolder.folder}; write "${roleFolder.slug}"`,
      })
    }
    checkOrder(lesson, lesson.frontmatter.order, problems)
    const exercise = lesson.frontmatter.exercise
    if (exercise !== undefined && !exerciseIds.includes(exercise)) {
      problems.push({
        severity: 'error',
        file: path,
        line: lesson.keyLines.exercise,
        field: 'exercise',
        message: `there is no exercise "${exercise}" (no folder exercises/${exercise}/; found: ${exerciseIds.join(', ') || 'none'})`,
      })
    }
    if (lesson.body === '')
      problems.push({
        severity: 'warning',
        file: path,
        line: lesson.bodyLine,
        field: 'text',
        message: 'the lesson has no text after its frontmatter',
      })
    lessons.push(lesson)
  }
  return lessons
}

/**
 * The course, or InvalidCourse listing every error (warnings do not stop it).
 *
 * @example
 * const course = await loadCourse()
 * for (const role of course.roles) console.log(role.frontmatter.title, role.lessons.length)
 */
export async function loadCourse(dirs: CourseDirs = {}): Promise<Course> {
  const { course, problems } = await readCourse(dirs)
  const errors = problems.filter((problem) => problem.severity === 'error')
  if (errors.length) throw new InvalidCourse(errors)
  return course
}
