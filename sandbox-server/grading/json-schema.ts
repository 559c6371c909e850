/**
 * Plain JSON Schema (as an app serves it in an OpenAPI document, or as a check writes it) checked
 * against a value with TypeBox's JSON Schema compiler. Runs on the check thread, on trusted
 * checks' behalf; the schema itself may come from the learner's app, so a schema that is not
 * one is a mistake to report in words, never a crash.
 */
import Schema from 'typebox/schema'

export interface SchemaOptions {
  /**
   * The document `$ref`s point into, e.g. a whole OpenAPI document for
   * `{ "$ref": "#/components/schemas/Task" }`. Default: the schema itself.
   */
  root?: unknown
}

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean', 'null'])

/** The value a local `$ref` ("#/components/schemas/Task") points at in `root`, or undefined. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined
  let at: unknown = root
  for (const part of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~')
    if (typeof at !== 'object' || at === null || !(key in at)) return undefined
    at = (at as Record<string, unknown>)[key]
  }
  return at
}

/**
 * What makes `schema` unusable, where the compiler would quietly accept it: a value that is not
 * a schema, a `$ref` to nothing, a `type` JSON Schema does not have. Undefined when it is usable.
 *
 * @example
 * schemaMistake({ $ref: '#/components/schemas/Nope' }, { root: openapi }) // 'refers to #/components/schemas/Nope, which is not in the document'
 */
export function schemaMistake(
  schema: unknown,
  { root = schema }: SchemaOptions = {},
  where = 'the schema',
  seen = new Set<unknown>(),
): string | undefined {
  if (schema === true || schema === false) return undefined
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return `${where} should be a JSON Schema object, not ${JSON.stringify(schema)}`
  if (seen.has(schema)) return undefined
  seen.add(schema)
  const fields = schema as Record<string, unknown>
  if (typeof fields.$ref === 'string') {
    const target = resolvePointer(root, fields.$ref)
    if (target === undefined) return `${where} refers to ${fields.$ref}, which is not in the document`
    return schemaMistake(target, { root }, fields.$ref, seen)
  }
  for (const type of [fields.type].flat()) {
    if (type !== undefined && !TYPES.has(type as string)) return `${where} has "type": ${JSON.stringify(type)}, which is not a JSON Schema type`
  }
  const inner: [unknown, string][] = [
    ...Object.entries((fields.properties as object | undefined) ?? {}).map(([name, value]): [unknown, string] => [
      value,
      `${where}.properties.${name}`,
    ]),
    ...(['items', 'additionalProperties', 'not'] as const)
      .filter((key) => typeof fields[key] === 'object')
      .map((key): [unknown, string] => [fields[key], `${where}.${key}`]),
    ...(['anyOf', 'oneOf', 'allOf'] as const).flatMap((key) =>
      Array.isArray(fields[key]) ? fields[key].map((value, i): [unknown, string] => [value, `${where}.${key}[${i}]`]) : [],
    ),
  ]
  for (const [value, at] of inner) {
    const mistake = schemaMistake(value, { root }, at, seen)
    if (mistake) return mistake
  }
  return undefined
}

/**
 * The first way `value` breaks `schema`, in words ("/0/done: must be boolean"), or undefined
 * when it matches. A schema that is not usable (see schemaMistake) answers what is wrong with it.
 *
 * @example
 * schemaMismatch({ type: 'object', required: ['id'] }, { name: 'Ada' }) // "the value: must have required properties id"
 * schemaMismatch({ $ref: '#/components/schemas/Task' }, task, { root: openapi }) // undefined when task is a Task
 */
export function schemaMismatch(schema: unknown, value: unknown, options: SchemaOptions = {}): string | undefined {
  const mistake = schemaMistake(schema, options)
  if (mistake) return mistake
  const { root } = options
  // `$ref`s starting with "#/" resolve against the root: put the root's contents beside the schema.
  const whole = typeof root === 'object' && root !== null && root !== schema ? { ...root, allOf: [schema] } : schema
  try {
    const [ok, errors] = Schema.Compile(whole as Parameters<typeof Schema.Compile>[0]).Errors(value)
    if (ok) return undefined
    // "schema is false" (an additionalProperties: false) says less than the error beside it.
    const first = errors.find((error) => error.keyword !== 'boolean') ?? errors[0]
    return first ? `${first.instancePath || 'the value'}: ${first.message}` : 'it does not match'
  } catch (error) {
    return `the schema cannot be used: ${error instanceof Error ? error.message : String(error)}`
  }
}
