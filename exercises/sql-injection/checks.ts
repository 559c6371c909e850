import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const search = (name: string) => `/users?name=${encodeURIComponent(name)}`

/** Fails when the body has any user's api_key in it. */
async function expectNoSecrets(t: CheckContext, text: string, because: string) {
  const rows = (await t.db.all('SELECT api_key FROM users')) as { api_key: string }[]
  const leaked = rows.map((row) => row.api_key).filter((key) => text.includes(key))
  t.expect(leaked, because).toEqual([])
}

export default defineChecks([
  {
    name: 'GET /users?name=Grace finds both Graces, and logs no api_key',
    async run(t) {
      const response = await t.request('GET', search('Grace'))
      await expectNoSecrets(
        t,
        JSON.stringify(t.logs()),
        'the logs should hold no api_key: logs are read by many people and kept for long, so log the search, never whole rows',
      )
      t.expectJson(
        response,
        200,
        [
          { id: 2, name: 'Grace', surname: 'Hopper', city: 'New York' },
          { id: 4, name: 'Grace', surname: 'Murray', city: 'Boston' },
        ],
        'searching for a name is an ordinary request; the body should list the two users called Grace, with id, name, surname and city',
      )
    },
  },
  {
    name: 'GET /users?name=Nobody, or name=%, answers an empty list',
    async run(t) {
      const response = await t.request('GET', search('Nobody'))
      t.expectJson(response, 200, [], 'finding nobody is not an error; nobody is called "Nobody", so the list should be empty')
      const wildcard = await t.request('GET', search('%'))
      t.expectJson(
        wildcard,
        200,
        [],
        'nobody is called "%"; if every user came back, the search used LIKE, where % matches anything: compare names with =',
      )
    },
  },
  {
    name: "The injection ' OR '1'='1 finds nobody",
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('GET', search("' OR '1'='1"))
      t.expectStatus(response, 200, 'the input is just a strange name, and a search for a name answers a list')
      const count = Array.isArray(response.json) ? response.json.length : response.json
      t.expect(
        count,
        "nobody is called ' OR '1'='1, so no user should come back; if you see every user, the quote closed your string and OR '1'='1' became part of the WHERE clause",
      ).toBe(0)
    },
  },
  {
    name: 'A UNION injection cannot read the api_key column',
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('GET', search("x' UNION SELECT id, api_key, surname, city FROM users --"))
      await expectNoSecrets(t, response.text, 'the answer should contain no api_key: the input was run as SQL and read the secret column')
      t.expectJson(
        response,
        200,
        [],
        'the input is just a strange name, and a search for a name answers a list; nobody has that name, so the list should be empty',
      )
    },
  },
  {
    name: "A real name with an apostrophe (D'Arcy) is found, not a server error",
    hint: 2,
    async run(t) {
      const response = await t.request('GET', search("D'Arcy"))
      t.expectJson(
        response,
        200,
        [{ id: 6, name: "D'Arcy", surname: 'Thompson', city: 'Dundee' }],
        "D'Arcy is a real user; a quote in a name must not break the SQL; the body should list D'Arcy Thompson",
      )
    },
  },
])
