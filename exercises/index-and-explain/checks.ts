import { defineChecks } from '../../sandbox-server/grading/index.ts'

const LOOKUP_SQL = 'SELECT id, email, name, country FROM customers WHERE email = ?'
const EMAIL = 'customer77777@example.com'
const USES_INDEX = /USING (COVERING )?INDEX/

export default defineChecks([
  {
    name: 'GET /customers?email= finds a customer, or answers 404',
    async run(t) {
      const found = await t.request('GET', `/customers?email=${encodeURIComponent(EMAIL)}`)
      t.expectJson(
        found,
        200,
        await t.db.get(LOOKUP_SQL, [EMAIL]),
        `${EMAIL} is customer 77777; the body should be the customer { id, email, name, country }`,
      )
      const missing = await t.request('GET', `/customers?email=${encodeURIComponent('nobody@example.com')}`)
      t.expectStatus(missing, 404, 'no customer has the email nobody@example.com')
    },
  },
  {
    name: 'An index on customers(email) exists',
    weight: 2,
    hint: 1,
    async run(t) {
      await t.request('GET', `/customers?email=${encodeURIComponent(EMAIL)}`) // the app has loaded and run its setup
      const indexes = await t.db.all(
        `SELECT list.name AS name, info.name AS first_column
         FROM pragma_index_list('customers') AS list JOIN pragma_index_info(list.name) AS info
         WHERE info.seqno = 0`,
      )
      if (indexes.length === 0) {
        t.fail('The customers table has no index yet: run CREATE INDEX IF NOT EXISTS <name> ON customers (email) when your app loads.')
      }
      if (!indexes.some((index) => index.first_column === 'email')) {
        const found = indexes.map((index) => `${index.name} (starting with ${index.first_column})`).join(', ')
        t.fail(`The customers table has indexes, ${found}, but none starts with email, so WHERE email = ? cannot use them.`)
      }
    },
  },
  {
    name: 'EXPLAIN QUERY PLAN shows the lookup searching the index, not scanning the table',
    weight: 2,
    requires: ['An index on customers(email) exists'],
    hint: 2,
    async run(t) {
      const plan = (await t.db.all(`EXPLAIN QUERY PLAN ${LOOKUP_SQL}`, [EMAIL])).map((row) => String(row.detail))
      t.expect(
        plan.filter((detail) => detail.startsWith('SCAN')),
        `the plan for the email lookup is ${JSON.stringify(plan)}: SCAN means reading all 100,000 rows`,
      ).toEqual([])
      t.expect(plan.join('\n'), 'the plan should say SEARCH customers USING INDEX ... (email=?)').toMatch(USES_INDEX)
    },
  },
  {
    name: 'GET /explain?email= answers the query plan',
    weight: 2,
    async run(t) {
      const response = await t.request('GET', `/explain?email=${encodeURIComponent(EMAIL)}`)
      t.expectStatus(response, 200, 'explaining a query is an ordinary request')
      const plan = response.json?.plan
      t.expect(plan, 'the body should be { plan: [...] }, the detail of each EXPLAIN QUERY PLAN row').toEqual(t.expect.any(Array))
      t.expect(plan, 'plan should be the detail strings of EXPLAIN QUERY PLAN for the lookup query').toEqual(
        (await t.db.all(`EXPLAIN QUERY PLAN ${LOOKUP_SQL}`, [EMAIL])).map((row) => row.detail),
      )
    },
  },
])
