import { defineChecks, type CheckResponse } from '../../sandbox-server/grading/index.ts'

// The checks act as the browser: they send the Origin and preflight headers a browser sends for
// the app at https://app.example.com, and read the Access-Control-* headers it would obey.

const APP = 'https://app.example.com'

/** A comma-separated header as a lowercase list: "GET, Post" -> ["get", "post"]. */
const list = (response: CheckResponse, name: string) =>
  (response.headers.get(name) ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean)

const preflight = (origin: string, method: string, headers?: string) => ({
  Origin: origin,
  'Access-Control-Request-Method': method,
  ...(headers ? { 'Access-Control-Request-Headers': headers } : {}),
})

export default defineChecks([
  {
    name: 'A GET from https://app.example.com may be read, with its cookie',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/projects', { headers: { Origin: APP } })
      t.expectStatus(response, 200, 'listing projects works')
      const allowOrigin = response.headers.get('access-control-allow-origin')
      if (allowOrigin === '*') {
        t.fail(
          `GET /projects answered Access-Control-Allow-Origin: *. The app sends its login cookie (credentials: 'include'), and browsers refuse "*" with credentials: name the origin, ${APP}`,
        )
      }
      t.expect(allowOrigin, `Access-Control-Allow-Origin should be exactly ${APP}`).toBe(APP)
      t.expect(
        response.headers.get('access-control-allow-credentials'),
        'Access-Control-Allow-Credentials should be "true", or the browser hides answers to requests that carry the cookie',
      ).toBe('true')
      t.expect(
        list(response, 'vary'),
        "the answer depends on the Origin header, so it should say Vary: Origin (caches must not hand one origin's answer to another)",
      ).toContain('origin')
    },
  },
  {
    name: 'The frontend can read the X-Total-Count header',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/projects', { headers: { Origin: APP } })
      t.expectStatus(response, 200, 'listing projects works')
      t.expect(
        list(response, 'access-control-expose-headers'),
        'the app shows "3 projects" from X-Total-Count, but JavaScript on another origin may only read headers listed in Access-Control-Expose-Headers',
      ).toContain('x-total-count')
    },
  },
  {
    name: 'A preflight from https://app.example.com is answered, and runs no route',
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('OPTIONS', '/projects/1', { headers: preflight(APP, 'PATCH', 'content-type, authorization') })
      t.expectStatus(
        response,
        204,
        'a preflight (OPTIONS with Access-Control-Request-Method) is answered by the CORS middleware with 204 and headers only',
      )
      t.expect(response.headers.get('access-control-allow-origin'), `the preflight should allow exactly ${APP}`).toBe(APP)
      t.expect(response.headers.get('access-control-allow-credentials'), 'the preflight should allow credentials too').toBe('true')
      const methods = list(response, 'access-control-allow-methods')
      for (const method of ['get', 'post', 'patch', 'delete']) {
        t.expect(methods, `Access-Control-Allow-Methods should list ${method.toUpperCase()}, which the app uses`).toContain(method)
      }
      const headers = list(response, 'access-control-allow-headers')
      for (const header of ['content-type', 'authorization']) {
        t.expect(headers, `Access-Control-Allow-Headers should list ${header}, which the app sends`).toContain(header)
      }
      t.expect(response.headers.get('access-control-max-age'), 'Access-Control-Max-Age: 600 lets the browser skip the preflight for 10 minutes').toBe(
        '600',
      )

      const remove = await t.request('OPTIONS', '/projects/1', { headers: preflight(APP, 'DELETE') })
      t.expectStatus(remove, 204, 'a preflight only asks for permission')
      const row = await t.db.get('SELECT name FROM projects WHERE id = 1')
      t.expect(row, 'a preflight for DELETE must not delete anything: the browser sends the real DELETE only after it').toEqual({
        name: 'Website relaunch',
      })
    },
  },
  {
    name: 'Other origins are not allowed',
    weight: 2,
    hint: 2,
    async run(t) {
      const strangers: [string, string][] = [
        ['https://evil.example', 'a page on another site must not read answers meant for the user'],
        ['http://app.example.com', 'http is not https: an origin is scheme, host and port, compared exactly'],
        ['https://app.example.com.evil.example', 'this host only starts with app.example.com: compare the whole origin'],
        [
          'https://app-example.com',
          "app-example.com is anyone's domain: in a regular expression an unescaped dot matches any character, so write \\. or compare the string exactly",
        ],
      ]
      for (const [origin, because] of strangers) {
        for (const request of [
          () => t.request('GET', '/projects', { headers: { Origin: origin } }),
          () => t.request('OPTIONS', '/projects', { headers: preflight(origin, 'POST', 'content-type') }),
        ]) {
          const response = await request()
          const allowOrigin = response.headers.get('access-control-allow-origin')
          if (allowOrigin === '*' || allowOrigin === origin) {
            t.fail(`A request with Origin: ${origin} was answered Access-Control-Allow-Origin: ${allowOrigin}, but ${because}`)
          }
        }
      }
      const curl = await t.request('GET', '/projects')
      t.expectStatus(curl, 200, 'a request without Origin (curl, another server) is not a browser: CORS neither applies nor blocks it')
    },
  },
  {
    name: 'A cross-site form post (text/plain, no preflight) changes nothing',
    weight: 2,
    hint: 2,
    async run(t) {
      // What <form enctype="text/plain"> on evil.example sends: a "simple" request, so the browser
      // sends it at once, with the user's cookie. CORS hides the answer, but the row would exist.
      const before = await t.db.count('projects')
      const forgeries: [string, string][] = [
        [
          'text/plain',
          'the body was sent as text/plain, which any website can do without a preflight: only accept Content-Type: application/json, which a cross-site page cannot send without asking first',
        ],
        [
          'text/plain; charset=json',
          'text/plain; charset=json is still text/plain to a browser (no preflight): compare the type before the ";" with application/json, not just look for "json" in it',
        ],
      ]
      for (const [contentType, because] of forgeries) {
        const forged = await t.request('POST', '/projects', {
          headers: { Origin: 'https://evil.example', 'Content-Type': contentType },
          body: '{"name":"Transfer ownership to mallory"}',
        })
        t.expectStatus(forged, 415, because)
      }
      t.expect(await t.db.count('projects'), 'a refused cross-site post must not create a project').toBe(before)
      const rename = await t.request('PATCH', '/projects/1', { headers: { 'Content-Type': 'text/plain' }, body: '{"name":"Renamed"}' })
      t.expectStatus(rename, 415, 'PATCH takes a JSON body too, so a text/plain one is refused the same way')
      const own = await t.request('POST', '/projects', { headers: { Origin: APP }, json: { name: 'Launch party' } })
      t.expectStatus(own, 201, 'the frontend sends JSON with Content-Type: application/json, and that still works')
    },
  },
  {
    name: 'A preflight only offers the methods and headers the API uses',
    hint: 2,
    async run(t) {
      const response = await t.request('OPTIONS', '/projects/1', { headers: preflight(APP, 'PUT', 'x-admin-override') })
      t.expectStatus(response, 204, 'the preflight itself is still answered')
      t.expect(
        list(response, 'access-control-allow-methods'),
        'the API has no PUT route, so the preflight should not offer PUT (list the methods instead of the defaults)',
      ).not.toContain('put')
      t.expect(
        list(response, 'access-control-allow-headers'),
        'the app never sends X-Admin-Override; list the allowed headers instead of echoing whatever is asked',
      ).not.toContain('x-admin-override')
    },
  },
])
