/**
 * Finds an exercise on disk by id: `exercises/<id>/` with an optional `seed.sql` (trusted SQL
 * that sets up the learner's database) and `starter.ts`. The full exercise format (checks,
 * hints, solution) builds on this.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

export const EXERCISES_DIR = fileURLToPath(new URL('../../exercises/', import.meta.url))
export const EXERCISE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/

export class UnknownExercise extends Error {
  override name = 'UnknownExercise'
  constructor(id: string) {
    super(`There is no exercise "${id}".`)
  }
}

export interface ExerciseFiles {
  id: string
  seedSql: string | undefined
  starter: string | undefined
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export async function findExercise(id: string, dir = EXERCISES_DIR): Promise<ExerciseFiles> {
  if (!EXERCISE_ID_PATTERN.test(id)) throw new UnknownExercise(id)
  const [seedSql, starter] = await Promise.all([readOptional(join(dir, id, 'seed.sql')), readOptional(join(dir, id, 'starter.ts'))])
  if (seedSql === undefined && starter === undefined) throw new UnknownExercise(id)
  return { id, seedSql, starter }
}
