import { defineChecks } from '../../sandbox-server/grading/index.ts'

export default defineChecks([
  {
    name: 'GET /settings/:key answers the value, or 404',
    async run(t) {
      const found = await t.request('GET', '/settings/theme')
      t.expectJson(
        found,
        200,
        { key: 'theme', value: 'dark' },
        'the setting "theme" exists (the Go handler writes no status, which means 200); the body should be { key, value }',
      )
      const missing = await t.request('GET', '/settings/volume')
      t.expectJson(missing, 404, { error: 'no setting volume' }, 'there is no setting "volume"; the body should be { error: "no setting volume" }')
    },
  },
  {
    name: 'PUT /settings/:key updates an existing setting with 200',
    hint: 1,
    async run(t) {
      const response = await t.request('PUT', '/settings/theme', { json: { value: 'light' } })
      t.expectJson(
        response,
        200,
        { key: 'theme', value: 'light' },
        'the Go handler only calls WriteHeader(201) when the UPDATE changed no row; "theme" exists, so it stays 200; the body should be the setting as it is now',
      )
      const row = await t.db.get('SELECT value FROM settings WHERE key = ?', ['theme'])
      t.expect(row, 'the settings table should hold the new value').toEqual({ value: 'light' })
    },
  },
  {
    name: 'PUT /settings/:key creates a new setting with 201 and a Location header',
    hint: 1,
    async run(t) {
      const response = await t.request('PUT', '/settings/timezone', { json: { value: 'Europe/Paris' } })
      t.expectStatus(
        response,
        201,
        'there was no "timezone" setting, so the UPDATE changed no row and the Go handler inserted it and wrote 201 Created',
      )
      t.expect(response.headers.get('location'), 'Go sets Location: /settings/timezone before WriteHeader(201); your answer needs it too').toBe(
        '/settings/timezone',
      )
      t.expect(response.json, 'the body should be the new setting').toEqual({ key: 'timezone', value: 'Europe/Paris' })
      const row = await t.db.get('SELECT value FROM settings WHERE key = ?', ['timezone'])
      t.expect(row, 'the settings table should hold the new setting').toEqual({ value: 'Europe/Paris' })
      const pasted = (await t.db.statements()).filter((sql) => sql.includes('Europe/Paris') || sql.includes('timezone'))
      t.expect(pasted, 'the key or value showed up inside your SQL text: Go passed them to db.Exec as arguments, so bind them with ?').toEqual([])
    },
  },
  {
    name: 'PUT /settings/:key refuses a body without a text value with 400',
    hint: 1,
    async run(t) {
      const cases: [string, { json?: unknown; body?: string }][] = [
        ['the body has no "value", so body.Value stays nil in Go', { json: {} }],
        ['"value" is null, so body.Value stays nil in Go', { json: { value: null } }],
        ['"value" is a number and Go cannot decode a number into a *string', { json: { value: 5 } }],
        ['the body is not JSON, so json.NewDecoder(r.Body).Decode returns an error', { body: 'light' }],
      ]
      for (const [because, options] of cases) {
        const response = await t.request('PUT', '/settings/language', options)
        t.expectJson(response, 400, { error: t.expect.any(String) }, `${because}; the body should be { error: "..." }`)
      }
      const row = await t.db.get('SELECT value FROM settings WHERE key = ?', ['language'])
      t.expect(row, 'a refused PUT must not change the setting').toEqual({ value: 'en' })
    },
  },
  {
    name: 'DELETE /settings/:key answers 204 with no body, then 404',
    hint: 2,
    async run(t) {
      const response = await t.request('DELETE', '/settings/language')
      t.expectStatus(response, 204, 'the setting existed and was deleted: Go writes 204 No Content and no body')
      t.expect(response.text, '204 No Content means an empty body').toBe('')
      const row = await t.db.get('SELECT value FROM settings WHERE key = ?', ['language'])
      t.expect(row, 'the row should be gone from the settings table').toBeUndefined()
      const again = await t.request('DELETE', '/settings/language')
      t.expectJson(
        again,
        404,
        { error: 'no setting language' },
        'the setting was just deleted, so the DELETE changed no row; the body should be { error: "no setting language" }',
      )
    },
  },
  {
    name: 'Any other method answers 405 with an Allow header',
    hint: 2,
    async run(t) {
      for (const method of ['POST', 'PATCH']) {
        const response = await t.request(method, '/settings/theme', { json: { value: 'blue' } })
        t.expectStatus(
          response,
          405,
          `the Go switch has no case for ${method}, so the default case answers 405 Method Not Allowed (Hono's own answer would be a 404)`,
        )
        t.expect(response.headers.get('allow'), 'a 405 must say which methods do work: Allow: GET, PUT, DELETE').toBe('GET, PUT, DELETE')
        t.expect(response.json, 'the body should be { error: "method not allowed" }').toEqual({ error: 'method not allowed' })
      }
    },
  },
  {
    name: 'Every answer carries Cache-Control: no-store',
    hint: 2,
    async run(t) {
      const requests: [string, string, { json?: unknown }][] = [
        ['GET', '/settings/theme', {}],
        ['GET', '/settings/volume', {}],
        ['PUT', '/settings/theme', { json: { value: 'dark' } }],
        ['PUT', '/settings/theme', { json: {} }],
        ['DELETE', '/settings/volume', {}],
        ['POST', '/settings/theme', {}],
      ]
      for (const [method, path, options] of requests) {
        const response = await t.request(method, path, options)
        t.expect(
          response.headers.get('cache-control'),
          `${method} ${path} answered ${response.status} without Cache-Control: no-store; Go sets it at the top of the handler, before the switch, so every answer has it`,
        ).toBe('no-store')
      }
    },
  },
])
