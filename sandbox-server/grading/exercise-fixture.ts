/**
 * For the grading tests: an exercise written to a temporary folder from its files, with a real
 * database pool and session store, made before the file's tests and removed after them.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { createDbPool, type DbPool } from '../capabilities/db/index.ts'
import { loadExercise, type Exercise } from '../exercises/index.ts'
import { createSessionStore, type SessionStore } from '../sessions/index.ts'

export interface ExerciseFixture {
  /** The course folder: its exercises/ holds the exercise. */
  root: string
  db: DbPool
  sessions: SessionStore
  load(): Promise<Exercise>
}

/**
 * @example
 * const fixture = useExerciseFixture('broken-checks', { 'checks.ts': CHECKS, 'solution.ts': APP, ... })
 * it('grades', async () => { const exercise = await fixture.load(); ... fixture.sessions ... })
 */
export function useExerciseFixture(id: string, files: Record<string, string>): ExerciseFixture {
  const fixture = { load: () => loadExercise(id, join(fixture.root, 'exercises')) } as ExerciseFixture
  beforeAll(async () => {
    fixture.root = await mkdtemp(join(tmpdir(), `${id}-`))
    const dir = join(fixture.root, 'exercises', id)
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true })
      await writeFile(join(dir, name), text)
    }
    fixture.db = createDbPool()
    fixture.sessions = await createSessionStore({ db: fixture.db })
  })
  afterAll(async () => {
    await fixture.sessions.dispose()
    await fixture.db.dispose()
    await rm(fixture.root, { recursive: true, force: true })
  })
  return fixture
}
