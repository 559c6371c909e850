/**
 * The shapes of course content on disk, one definition each: a role's frontmatter
 * (`lessons/<NN-role>/role.md`) and a lesson's (`lessons/<NN-role>/<NN-slug>/lesson.md`).
 * The lesson validator and the site's content collections both use these, so there is one
 * schema, not two. Every field says what it wants: that text appears in validation errors.
 */
import { Type, type Static } from '@sinclair/typebox'
// Types only: the site loads this file, and the check API's runtime (Vitest) must not come with it.
import type { CheckContext } from '../grading/checks.ts'

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

/**
 * One check of `exercises/<id>/checks.ts`: the validator checks modules against this schema and
 * the check API's `CheckDefinition` type is `Static<>` of it (sandbox-server/grading/checks.ts).
 */
export const CheckDefinitionSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'the title learners see' }),
    description: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "what the check does, in words, for result formats that show a test's code (Exercism's test_code); default: the body of run in checks.ts",
      }),
    ),
    weight: Type.Optional(Type.Number({ minimum: 0, description: 'points for partial credit, default 1' })),
    hint: Type.Optional(
      Type.Integer({ minimum: 0, description: 'index of the hint to offer when the check does not pass, 0 = the first (a nudge)' }),
    ),
    requires: Type.Optional(
      Type.Array(Type.String(), { description: 'names of earlier checks that must pass first; otherwise this one is skipped' }),
    ),
    deadlineMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 120_000,
        description:
          "milliseconds run may take before the check is given up on as broken, default 10000 (the learner's app has its own, shorter limits)",
      }),
    ),
    run: Type.Unsafe<(t: CheckContext) => Promise<void> | void>(Type.Function([Type.Any()], Type.Any(), { description: 'async (t) => { ... }' })),
  },
  { additionalProperties: false },
)

/** What `exercises/<id>/checks.ts` must `export default`: use defineChecks([...]). */
export const ChecksModule = Type.Array(CheckDefinitionSchema, { minItems: 1, description: 'defineChecks([...]) with at least one check' })

/** What `exercises/<id>/env.json` holds: the environment `env(c)` from hono/adapter answers in the learner's app. */
export const ExerciseEnvironment = Type.Record(
  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 128 }),
  Type.String({ maxLength: 4096, description: 'the value, as text (process.env values are strings)' }),
  { description: 'names such as API_KEY to their values, e.g. { "API_KEY": "test-key" }' },
)
