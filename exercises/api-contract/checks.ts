import { defineChecks, schemaMismatch, schemaMistake, type CheckContext } from '../../sandbox-server/grading/index.ts'

// The checks play the frontend team: they read only /openapi.json and the answers, never the code.

type Json = any

/** The served document, fetched once per run. */
async function contract(t: CheckContext): Promise<Json> {
  if (t.state.doc) return t.state.doc
  const response = await t.request('GET', '/openapi.json')
  t.expectStatus(response, 200, 'the frontend team downloads the contract from /openapi.json')
  if (typeof response.json !== 'object' || response.json === null) t.fail('GET /openapi.json should answer a JSON object, the OpenAPI document')
  t.state.doc = response.json
  return response.json
}

/** The document's schema `name`, failing with what is wrong when it is not a usable JSON Schema. */
function documented(t: CheckContext, doc: Json, schema: Json, where: string): Json {
  const mistake = schemaMistake(schema, { root: doc })
  if (mistake) t.fail(`${where}: ${mistake}`)
  return schema
}

/** The schema a path documents for a status, or a failure that says what is missing. */
function responseSchema(t: CheckContext, doc: Json, method: string, path: string, status: number): Json {
  const operation = doc.paths?.[path]?.[method]
  if (!operation) t.fail(`The document should list ${method.toUpperCase()} ${path} under paths["${path}"].${method}`)
  const response = operation.responses?.[String(status)]
  if (!response) t.fail(`${method.toUpperCase()} ${path} should document its ${status} answer under responses["${status}"]`)
  const schema = response.content?.['application/json']?.schema
  if (!schema) t.fail(`The ${status} answer of ${method.toUpperCase()} ${path} should have content["application/json"].schema`)
  return schema
}

function sameSchema(t: CheckContext, doc: Json, schema: Json, name: string, where: string) {
  const target = doc.components?.schemas?.[name]
  const resolved = schema?.$ref === `#/components/schemas/${name}` ? target : schema
  t.expect(resolved, `${where} should be the ${name} schema: write { "$ref": "#/components/schemas/${name}" }`).toEqual(target)
}

export default defineChecks([
  {
    name: 'GET /openapi.json answers an OpenAPI 3.1 document',
    async run(t) {
      const doc = await contract(t)
      t.expect(String(doc.openapi), 'the "openapi" field should say which version of OpenAPI this is, "3.1.0"').toMatch(/^3\.1\.\d+$/)
      t.expect(doc.info, 'the document needs info.title and info.version').toEqual(
        t.expect.objectContaining({ title: t.expect.any(String), version: t.expect.any(String) }),
      )
      t.expect(typeof doc.paths, 'the document needs a "paths" object').toBe('object')
    },
  },
  {
    name: 'The document publishes the Task, NewTask and Error schemas',
    hint: 1,
    async run(t) {
      const doc = await contract(t)
      const schemas = doc.components?.schemas ?? {}
      for (const name of ['Task', 'NewTask', 'Error']) {
        if (!schemas[name]) t.fail(`components.schemas.${name} is missing: the frontend team generates its types from it`)
      }
      const task = documented(t, doc, schemas.Task, 'components.schemas.Task')
      const newTask = documented(t, doc, schemas.NewTask, 'components.schemas.NewTask')
      const error = documented(t, doc, schemas.Error, 'components.schemas.Error')
      const mismatch = (schema: Json, value: unknown) => schemaMismatch(schema, value, { root: doc })
      const sample = { id: 1, title: 'Agree on the API contract', priority: 'high', done: true }
      const problem = mismatch(task, sample)
      if (problem) t.fail(`The documented Task should accept ${JSON.stringify(sample)}, but says ${problem}`)
      for (const [bad, because] of [
        [{ ...sample, done: 1 }, 'done is a boolean, not 1'],
        [{ id: 1, title: 'No done field', priority: 'low' }, 'every field of a Task is required'],
      ] as const) {
        if (!mismatch(task, bad)) t.fail(`The documented Task accepts ${JSON.stringify(bad)}, but ${because}`)
      }
      for (const good of [{ title: 'Ship it' }, { title: 'Ship it', priority: 'low' }]) {
        const why = mismatch(newTask, good)
        if (why) t.fail(`The documented NewTask should accept ${JSON.stringify(good)}, but says ${why}`)
      }
      for (const [bad, because] of [
        [{}, 'title is required'],
        [{ title: '' }, 'a title has at least 1 character (minLength: 1)'],
        [{ title: 'x'.repeat(101) }, 'a title has at most 100 characters (maxLength: 100)'],
        [{ title: 'Ship it', priority: 'urgent' }, 'priority is low, normal or high'],
        [{ title: 'Ship it', owner: 'sam' }, 'a NewTask has no other fields (additionalProperties: false)'],
      ] as const) {
        if (!mismatch(newTask, bad)) t.fail(`The documented NewTask accepts ${JSON.stringify(bad)}, but ${because}`)
      }
      const errorProblem = mismatch(error, { error: 'title is required' })
      if (errorProblem) t.fail(`The documented Error should accept { "error": "title is required" }, but says ${errorProblem}`)
    },
  },
  {
    name: 'The document lists GET /tasks, POST /tasks and GET /tasks/{id} with their answers',
    hint: 1,
    requires: ['The document publishes the Task, NewTask and Error schemas'],
    async run(t) {
      const doc = await contract(t)
      if (doc.paths?.['/tasks/:id']) t.fail('OpenAPI writes path parameters in braces: "/tasks/{id}", not Hono\'s "/tasks/:id"')
      const list = responseSchema(t, doc, 'get', '/tasks', 200)
      t.expect(list.type, 'GET /tasks answers an array: { "type": "array", "items": { "$ref": "#/components/schemas/Task" } }').toBe('array')
      sameSchema(t, doc, list.items, 'Task', 'the items of GET /tasks')
      const body = doc.paths['/tasks'].post?.requestBody?.content?.['application/json']?.schema
      if (!body) t.fail('POST /tasks should document its body under requestBody.content["application/json"].schema')
      sameSchema(t, doc, body, 'NewTask', 'the request body of POST /tasks')
      sameSchema(t, doc, responseSchema(t, doc, 'post', '/tasks', 201), 'Task', 'the 201 answer of POST /tasks')
      sameSchema(t, doc, responseSchema(t, doc, 'post', '/tasks', 400), 'Error', 'the 400 answer of POST /tasks')
      sameSchema(t, doc, responseSchema(t, doc, 'get', '/tasks/{id}', 200), 'Task', 'the 200 answer of GET /tasks/{id}')
      sameSchema(t, doc, responseSchema(t, doc, 'get', '/tasks/{id}', 404), 'Error', 'the 404 answer of GET /tasks/{id}')
      const parameters: Json[] = doc.paths['/tasks/{id}'].get.parameters ?? []
      t.expect(
        parameters,
        'GET /tasks/{id} should document its path parameter: { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }',
      ).toContainEqual(t.expect.objectContaining({ name: 'id', in: 'path', required: true }))
    },
  },
  {
    name: 'Every answer matches the schema the document promises',
    weight: 2,
    requires: ['The document lists GET /tasks, POST /tasks and GET /tasks/{id} with their answers'],
    async run(t) {
      const doc = await contract(t)
      const check = async (method: string, path: string, docPath: string, status: number, because: string, json?: unknown) => {
        const response = await t.request(method, path, json === undefined ? {} : { json })
        t.expectStatus(response, status, because)
        const schema = documented(t, doc, responseSchema(t, doc, method.toLowerCase(), docPath, status), `${method} ${docPath} ${status}`)
        t.expectSchema(
          response.json,
          schema,
          `${method} ${path} breaks the documented ${status} schema: the frontend's generated client would reject it`,
          {
            root: doc,
          },
        )
        return response.json
      }
      await check('GET', '/tasks', '/tasks', 200, 'listing tasks always works')
      const created = await check('POST', '/tasks', '/tasks', 201, '{ "title": "Write the release notes" } is a valid NewTask', {
        title: 'Write the release notes',
      })
      t.expect(created, 'a new task without a priority gets "normal" and is not done').toEqual({
        id: t.expect.any(Number),
        title: 'Write the release notes',
        priority: 'normal',
        done: false,
      })
      await check('POST', '/tasks', '/tasks', 201, 'a title of exactly 100 characters is allowed', { title: 'x'.repeat(100), priority: 'low' })
      await check('GET', `/tasks/${created.id}`, '/tasks/{id}', 200, 'the task was just created')
      await check('GET', '/tasks/9999', '/tasks/{id}', 404, 'there is no task 9999')
    },
  },
  {
    name: 'POST /tasks refuses every body the NewTask schema refuses, with 400 and an Error',
    weight: 2,
    hint: 2,
    requires: ['The document lists GET /tasks, POST /tasks and GET /tasks/{id} with their answers'],
    async run(t) {
      const doc = await contract(t)
      const errorSchema = documented(t, doc, responseSchema(t, doc, 'post', '/tasks', 400), 'POST /tasks 400')
      const cases: [unknown, string][] = [
        [{ priority: 'high' }, 'NewTask requires a title'],
        [{ title: '' }, 'NewTask says a title has at least 1 character'],
        [{ title: 'x'.repeat(101) }, 'NewTask says a title has at most 100 characters'],
        [{ title: 'Ship it', priority: 'urgent' }, 'NewTask says priority is low, normal or high'],
        [{ title: 'Ship it', done: true }, 'NewTask has no "done" field: a new task is never done, and unknown fields are refused'],
        [{ title: 42 }, 'NewTask says a title is a string'],
      ]
      for (const [json, because] of cases) {
        const before = await t.db.count('tasks')
        const response = await t.request('POST', '/tasks', { json })
        t.expectStatus(response, 400, because)
        t.expectSchema(response.json, errorSchema, `POST /tasks with ${JSON.stringify(json)} breaks the documented 400 schema`, { root: doc })
        t.expect(await t.db.count('tasks'), 'a refused task must not be stored').toBe(before)
      }
      const notJson = await t.request('POST', '/tasks', { body: '{"title": "Ship it"', headers: { 'content-type': 'application/json' } })
      t.expectStatus(notJson, 400, "a body that is not JSON is the client's mistake (400), not a crash (500): c.req.json() throws on it")
      t.expectSchema(notJson.json, errorSchema, 'POST /tasks with a body that is not JSON breaks the documented 400 schema', { root: doc })
    },
  },
])
