/**
 * The learner's progress as a file, so it can move to another machine or survive clearing
 * this site's data: every lesson's progress, every exercise's code (and the code from before
 * its last reset), whether its checks were run, the lesson opened last and the Tab setting.
 * Sandbox sessions are not in it: they are bearer capabilities, and short-lived anyway.
 *
 * Importing never overwrites code without the learner's choice: `readProgressFile` says which
 * exercises have other code in this browser, and `applyProgressFile` keeps that code unless
 * told to replace it, in which case the replaced code becomes the code "Undo reset" brings back.
 */
import { Type, type Static } from '@sinclair/typebox'
import { parseWith, ValidationError } from '../../sandbox-server/validation/index'

const PREFIX = 'backend-sandbox'
const FORMAT = 'backend-sandbox-progress'
/** The per-exercise keys the workspace keeps (workspace/storage.ts). */
const EXERCISE_KEY = /^backend-sandbox:(code|code-before-reset|attempted):([a-z0-9][a-z0-9-]{0,63})$/
const MAX_CODE = 256 * 1024

const Code = Type.String({ maxLength: MAX_CODE, description: 'TypeScript source, at most 256 KB' })

export const ProgressFile = Type.Object(
  {
    format: Type.Literal(FORMAT, { description: `"${FORMAT}": what this file is` }),
    version: Type.Literal(1, { description: 'the version of this format: 1' }),
    exportedAt: Type.String({ description: 'when it was saved (ISO 8601)' }),
    progress: Type.Record(Type.String({ pattern: '^[a-z0-9-]+/[a-z0-9-]+$' }), Type.Union([Type.Literal('started'), Type.Literal('done')]), {
      description: 'lesson key ("database-whisperer/rows-in-rows-out") to "started" or "done"',
    }),
    exercises: Type.Record(
      Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
      Type.Object(
        {
          code: Type.Optional(Code),
          codeBeforeReset: Type.Optional(Code),
          attempted: Type.Optional(Type.Boolean({ description: 'whether the checks were run once' })),
        },
        { additionalProperties: false },
      ),
      { description: 'exercise id to its code' },
    ),
    lastLesson: Type.Optional(
      Type.Object({ url: Type.String({ pattern: '^/[^/]' }), title: Type.String({ maxLength: 200 }) }, { description: 'the lesson opened last' }),
    ),
    tabMovesFocus: Type.Optional(Type.Boolean({ description: 'whether Tab moves the focus out of the editor' })),
  },
  { description: 'a Backend Sandbox progress file' },
)
export type ProgressFile = Static<typeof ProgressFile>

function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // Full or blocked storage: what could be written is written.
  }
}

function storedKeys(): string[] {
  try {
    return Object.keys(localStorage)
  } catch {
    return []
  }
}

/** Everything this browser keeps of the learner's work, as one file's content. */
export function exportProgress(): ProgressFile {
  const exercises: ProgressFile['exercises'] = {}
  for (const key of storedKeys()) {
    const [, what, id] = EXERCISE_KEY.exec(key) ?? []
    const value = read(key)
    if (!what || !id || value === null) continue
    const entry = (exercises[id] ??= {})
    if (what === 'code') entry.code = value
    if (what === 'code-before-reset') entry.codeBeforeReset = value
    if (what === 'attempted') entry.attempted = value === 'true'
  }
  const last = JSON.parse(read(`${PREFIX}:last-lesson`) ?? 'null')
  const file: ProgressFile = {
    format: FORMAT,
    version: 1,
    exportedAt: new Date().toISOString(),
    progress: JSON.parse(read(`${PREFIX}:progress`) ?? '{}') ?? {},
    exercises,
    tabMovesFocus: read(`${PREFIX}:tab-moves-focus`) === 'true',
  }
  if (last && typeof last.url === 'string' && typeof last.title === 'string') file.lastLesson = { url: last.url, title: last.title }
  return file
}

/** A file that is not a progress file, with what is wrong. */
export class ProgressFileInvalid extends Error {
  override name = 'ProgressFileInvalid'
}

/**
 * Reads a progress file's text: its content, and the exercises whose code in this browser is
 * other than the file's (the learner chooses which to keep).
 *
 * @example
 * const { file, conflicts } = readProgressFile(await input.files[0].text())
 */
export function readProgressFile(text: string): { file: ProgressFile; conflicts: string[] } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ProgressFileInvalid('This file is not a progress file: it is not JSON. Choose a file saved with “Save my progress”.')
  }
  let file: ProgressFile
  try {
    file = parseWith(ProgressFile, value, 'This progress file')
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    const first = error.problems[0]
    throw new ProgressFileInvalid(
      `This file is not a progress file this site can read: ${first ? `${first.field}: ${first.message}` : error.message}.`,
    )
  }
  const conflicts = Object.entries(file.exercises)
    .filter(([id, entry]) => {
      const mine = read(`${PREFIX}:code:${id}`)
      return entry.code !== undefined && mine !== null && mine !== entry.code
    })
    .map(([id]) => id)
  return { file, conflicts }
}

/**
 * Writes a progress file into this browser. Progress only goes up ("done" stays done). Code an
 * exercise has here that differs from the file's is kept unless `replaceCode` is true; then
 * the code it had becomes the code its "Undo reset" brings back.
 */
export function applyProgressFile(file: ProgressFile, { replaceCode }: { replaceCode: boolean }): { lessons: number; exercises: number } {
  const progress = JSON.parse(read(`${PREFIX}:progress`) ?? '{}') ?? {}
  for (const [key, state] of Object.entries(file.progress)) if (progress[key] !== 'done') progress[key] = state
  write(`${PREFIX}:progress`, JSON.stringify(progress))
  let exercises = 0
  for (const [id, entry] of Object.entries(file.exercises)) {
    const mine = read(`${PREFIX}:code:${id}`)
    if (entry.code !== undefined && entry.code !== mine && (mine === null || replaceCode)) {
      if (mine !== null) write(`${PREFIX}:code-before-reset:${id}`, mine)
      else if (entry.codeBeforeReset !== undefined) write(`${PREFIX}:code-before-reset:${id}`, entry.codeBeforeReset)
      write(`${PREFIX}:code:${id}`, entry.code)
      exercises += 1
    }
    if (entry.attempted) write(`${PREFIX}:attempted:${id}`, 'true')
  }
  if (file.lastLesson && read(`${PREFIX}:last-lesson`) === null) write(`${PREFIX}:last-lesson`, JSON.stringify(file.lastLesson))
  if (file.tabMovesFocus !== undefined) write(`${PREFIX}:tab-moves-focus`, String(file.tabMovesFocus))
  return { lessons: Object.keys(file.progress).length, exercises }
}
