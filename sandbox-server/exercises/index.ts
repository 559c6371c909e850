/**
 * Exercises on disk: `exercises/<id>/` holds `starter.ts` (what the learner starts from),
 * `solution.ts`, `checks.ts` (trusted checks, `export default defineChecks([...])`), optional
 * `seed.sql` (trusted SQL that sets up the learner's database) and optional `hints.md`
 * (progressive hints, one `## Title` section each: a nudge, then the concept, then nearly the
 * answer; `## check: <name>` sections hold one check's own hints, read by the site). Nothing about a particular exercise lives in code.
 *
 * An optional `env.json` (`{ "NAME": "value" }`) is the environment the exercise declares: what
 * `env(c)` from hono/adapter answers in the learner's app, as `process.env` would on Node.
 *
 * An optional `app.ts` makes a test-writing exercise: it is the app under test, the learner's
 * starter and solution are files of tests that import it as `./app`, and the checks run those
 * tests against it and against mutants of it (`testsPass` and `catchesMutant` in grading).
 */
import { readFile, readdir } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { ChecksModule, type CheckDefinition } from '../grading/checks.ts'
import { ExerciseEnvironment } from '../content/schemas.ts'
import { ValidationError, findProblems, parseWith } from '../validation/index.ts'
import { parseHints, type Hint } from './hints.ts'

export { parseCheckHints, parseHints, type CheckHints, type Hint } from './hints.ts'

export const EXERCISES_DIR = fileURLToPath(new URL('../../exercises/', import.meta.url))
export const EXERCISE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/

export class UnknownExercise extends Error {
  override name = 'UnknownExercise'
  constructor(id: string) {
    super(`There is no exercise "${id}".`)
  }
}

export interface Exercise {
  id: string
  dir: string
  starter: string
  solution: string
  seedSql: string | undefined
  /** The app the learner's tests import as `./app`, in a test-writing exercise. */
  appUnderTest: string | undefined
  /** What `env(c)` from hono/adapter answers (env.json); undefined when the exercise declares none. */
  env: Record<string, string> | undefined
  hints: Hint[]
  checks: CheckDefinition[]
}

/** A file's text, or undefined when it does not exist (optional exercise and lesson files). */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** The ids of every exercise folder, sorted. */
export async function listExercises(dir = EXERCISES_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isDirectory() && EXERCISE_ID_PATTERN.test(entry.name))
    .map((entry) => entry.name)
    .sort()
}

async function readExercise(id: string, dir: string): Promise<Exercise> {
  const folder = join(dir, id)
  const [starter, solution, seedSql, hints, appUnderTest, envJson] = await Promise.all(
    ['starter.ts', 'solution.ts', 'seed.sql', 'hints.md', 'app.ts', 'env.json'].map((file) => readOptional(join(folder, file))),
  )
  if (starter === undefined && solution === undefined) throw new UnknownExercise(id)
  const missing = [starter === undefined && 'starter.ts', solution === undefined && 'solution.ts'].filter(Boolean)
  if (missing.length)
    throw new ValidationError(
      `exercises/${id}`,
      missing.map((file) => ({ field: String(file), message: 'file is missing' })),
    )
  const env = envJson === undefined ? undefined : parseEnvironment(envJson, `exercises/${id}/env.json`)
  const module = (await import(pathToFileURL(join(folder, 'checks.ts')).href)) as { default?: unknown }
  const problems = findProblems(ChecksModule, module.default)
  if (problems.length) throw new ValidationError(`exercises/${id}/checks.ts (its default export)`, problems)
  return {
    id,
    dir: folder,
    starter: starter!,
    solution: solution!,
    seedSql,
    appUnderTest,
    env,
    hints: parseHints(hints ?? ''),
    checks: module.default as CheckDefinition[],
  }
}

/** An exercise's env.json: one object of names to string values. */
function parseEnvironment(text: string, file: string): Record<string, string> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ValidationError(file, [{ field: '(root)', message: 'not valid JSON: expected an object such as { "API_KEY": "test-key" }' }])
  }
  return parseWith(ExerciseEnvironment, value, file)
}

const loaded = new Map<string, Promise<Exercise>>()

/**
 * Loads and validates an exercise; throws UnknownExercise or ValidationError (field by field).
 *
 * @example
 * const exercise = await loadExercise('crud-notes')
 */
export function loadExercise(id: string, dir = EXERCISES_DIR): Promise<Exercise> {
  if (!EXERCISE_ID_PATTERN.test(id)) return Promise.reject(new UnknownExercise(id))
  const key = `${dir}\0${id}`
  let exercise = loaded.get(key)
  if (!exercise) {
    exercise = readExercise(id, dir)
    loaded.set(key, exercise)
    exercise.catch(() => loaded.delete(key))
  }
  return exercise
}
