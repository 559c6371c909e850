/**
 * Plain JSON Schema (as an app serves it in an OpenAPI document, or as a check writes it) checked
 * against a value with TypeBox's JSON Schema compiler. Runs on the check thread, on trusted
 * checks' behalf; the schema itself may come from the learner's app, so a schema that does not
 * compile is a failure to report, never a crash.
 */
import Schema from 'typebox/schema'

export interface SchemaOptions {
  /**
   * The document `$ref`s point into, e.g. a whole OpenAPI document for
   * `{ "$ref": "#/components/schemas/Task" }`. Default: the schema itself.
   */
  root?: unknown
}

/**
 * The first way `value` breaks `schema`, in words ("/0/done: must be boolean"), or undefined
 * when it matches. A schema that cannot be compiled (a `$ref` to nothing, a keyword with a wrong
 * value) answers what is wrong with it.
 *
 * @example
 * schemaMismatch({ type: 'object', required: ['id'] }, { name: 'Ada' }) // "the value: must have required properties id"
 * schemaMismatch({ $ref: '#/components/schemas/Task' }, task, { root: openapi }) // undefined when task is a Task
 */
export function schemaMismatch(schema: unknown, value: unknown, { root }: SchemaOptions = {}): string | undefined {
  if (schema !== true && schema !== false && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    return `the schema should be a JSON Schema object, not ${JSON.stringify(schema)}`
  }
  // `$ref`s starting with "#/" resolve against the root: put the root's definitions beside the schema.
  const whole = root === undefined || typeof root !== 'object' || root === null ? schema : { ...root, allOf: [schema] }
  let validator: ReturnType<typeof Schema.Compile>
  try {
    validator = Schema.Compile(whole as Parameters<typeof Schema.Compile>[0])
    const [ok, errors] = validator.Errors(value)
    if (ok) return undefined
    const first = errors[0]
    return first ? `${first.instancePath || 'the value'}: ${first.message}` : 'it does not match'
  } catch (error) {
    return `the schema cannot be used: ${error instanceof Error ? error.message : String(error)}`
  }
}
