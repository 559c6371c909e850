/**
 * The course as Astro content collections, read straight from `lessons/`: roles from
 * `<NN-role>/role.md`, lessons from `<NN-role>/<NN-slug>/lesson.md`. Frontmatter is checked by
 * the one TypeBox schema the server's validator uses (sandbox-server/content/schemas.ts), wrapped
 * for Zod, so there is a single definition; failures name each field and what it expects.
 */
import { defineCollection, z } from 'astro:content'
import { glob } from 'astro/loaders'
import { Value } from '@sinclair/typebox/value'
import type { TSchema, Static } from '@sinclair/typebox'
import { LessonFrontmatter, RoleFrontmatter } from '../../sandbox-server/content/schemas.ts'
import { findProblems } from '../../sandbox-server/validation/index.ts'

/** Relative to the site's root (site/); SITE_LESSONS_DIR builds the site from another course folder. */
const lessonsDir = process.env.SITE_LESSONS_DIR ?? '../lessons'

/** A Zod schema that defers to a TypeBox schema and reports its problems one field a line. */
function fromTypeBox<S extends TSchema>(schema: S, what: string) {
  return z.custom<Static<S>>(
    (value) => Value.Check(schema, value),
    (value) => ({
      message: `${what} frontmatter is not valid:\n${findProblems(schema, value)
        .map(({ field, message }) => `  ${field}: ${message}`)
        .join('\n')}`,
    }),
  )
}

/** "03-database-whisperer/role.md" -> "03-database-whisperer"; lessons keep "<role>/<lesson>". */
function folderId({ entry }: { entry: string }) {
  return entry.replace(/\/(role|lesson)\.md$/, '')
}

const roles = defineCollection({
  loader: glob({ pattern: '*/role.md', base: lessonsDir, generateId: folderId }),
  schema: fromTypeBox(RoleFrontmatter, 'Role'),
})

const lessons = defineCollection({
  loader: glob({ pattern: '*/*/lesson.md', base: lessonsDir, generateId: folderId }),
  schema: fromTypeBox(LessonFrontmatter, 'Lesson'),
})

export const collections = { roles, lessons }
