/**
 * One way to check data against a TypeBox schema and say what is wrong, for HTTP bodies,
 * lesson frontmatter and exercise files alike: a summary line, then one line per problem with
 * the field's path ("body.method: expected one of GET, POST, ...").
 */
import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export interface FieldProblem {
  /** Where, as a dotted path ("headers.accept"), or "(root)". */
  field: string
  message: string
}

function fieldName(path: string): string {
  return path === '' ? '(root)' : path.slice(1).replaceAll('/', '.')
}

/** Every problem with `value`, one per field (TypeBox reports unions and nested failures too). */
export function findProblems(schema: TSchema, value: unknown): FieldProblem[] {
  const seen = new Set<string>()
  const problems: FieldProblem[] = []
  for (const error of Value.Errors(schema, value)) {
    const field = fieldName(error.path)
    if (seen.has(field)) continue
    seen.add(field)
    const expected = error.schema.description ? ` (${error.schema.description})` : ''
    problems.push({ field, message: `${error.message}${expected}` })
  }
  return problems
}

export class ValidationError extends Error {
  override name = 'ValidationError'
  constructor(
    readonly what: string,
    readonly problems: FieldProblem[],
  ) {
    super(`${what} is not valid:\n${problems.map(({ field, message }) => `  ${field}: ${message}`).join('\n')}`)
  }
}

/**
 * Returns `value` typed by `schema`, or throws ValidationError naming each bad field.
 *
 * @example
 * const body = parseWith(CreateSessionBody, await c.req.json(), 'The request body')
 */
export function parseWith<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  if (Value.Check(schema, value)) return value as Static<S>
  throw new ValidationError(what, findProblems(schema, value))
}
