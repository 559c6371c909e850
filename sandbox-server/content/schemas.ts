/**
 * The shapes of course content on disk, one definition each: a role's frontmatter
 * (`lessons/<NN-role>/role.md`), a lesson's (`lessons/<NN-role>/<NN-slug>/lesson.md`) and an
 * exercise's `env.json`. The shape of a check is the check API's (grading/checks.ts).
 * The lesson validator and the site's content collections both use these, so there is one
 * schema, not two. Every field says what it wants: that text appears in validation errors.
 */
import { Type, type Static } from '@sinclair/typebox'
// Nothing from the server's runtime: the site's type-check and build load this file.

export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$'

export const RoleFrontmatter = Type.Object(
  {
    title: Type.String({ minLength: 1, description: 'the role as learners read it, e.g. "Database whisperer"' }),
    summary: Type.String({ minLength: 1, description: 'one or two sentences on what this role does' }),
    order: Type.Integer({ minimum: 0, description: 'position in the path, 0 for the opening chapter' }),
  },
  { additionalProperties: false },
)
export type RoleFrontmatter = Static<typeof RoleFrontmatter>

export const LessonFrontmatter = Type.Object(
  {
    title: Type.String({ minLength: 1, description: 'the lesson title, e.g. "Your first route"' }),
    role: Type.String({ pattern: SLUG_PATTERN, description: 'the role folder name without its number, e.g. "database-whisperer"' }),
    summary: Type.String({ minLength: 1, maxLength: 300, description: 'one sentence for lists and search' }),
    objectives: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'what the learner can do afterwards, one per line' }),
    minutes: Type.Integer({ minimum: 1, maximum: 60, description: 'estimated minutes to read and do it' }),
    exercise: Type.Optional(Type.String({ pattern: SLUG_PATTERN, description: 'the id of the exercise under exercises/ that this lesson opens' })),
    order: Type.Integer({ minimum: 0, description: 'position within the role' }),
  },
  { additionalProperties: false },
)
export type LessonFrontmatter = Static<typeof LessonFrontmatter>

/** What `exercises/<id>/env.json` holds: the environment `env(c)` from hono/adapter answers in the learner's app. */
export const ExerciseEnvironment = Type.Record(
  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 128 }),
  Type.String({ maxLength: 4096, description: 'the value, as text (process.env values are strings)' }),
  { description: 'names such as API_KEY to their values, e.g. { "API_KEY": "test-key" }' },
)
