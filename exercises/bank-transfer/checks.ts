import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const START_TOTAL = 15000
/** Every balance as one readable line: "Ada 100.00, Bob 50.00, Cleo 0.00". */
const balances = async (t: CheckContext) => {
  const rows = await t.db.all('SELECT owner, balance FROM accounts ORDER BY id')
  return rows.map((row) => `${row.owner} ${(Number(row.balance) / 100).toFixed(2)}`).join(', ')
}

export default defineChecks([
  {
    name: 'POST /transfers moves money and records the transfer',
    async run(t) {
      const response = await t.request('POST', '/transfers', { json: { from: 1, to: 2, amount: 2500 } })
      t.expectJson(response, 201, { id: 1, from: 1, to: 2, amount: 2500 }, 'Ada has 100.00 and sends 25.00 to Bob; the body should be the transfer')
      t.expect(await balances(t), 'Ada should have 75.00 and Bob 75.00').toBe('Ada 75.00, Bob 75.00, Cleo 0.00')
      const row = await t.db.get('SELECT from_id, to_id, amount FROM transfers WHERE id = 1')
      t.expect(row, 'the transfers table should record the transfer').toEqual({ from_id: 1, to_id: 2, amount: 2500 })
    },
  },
  {
    name: 'Insufficient funds answer 409 and change nothing',
    hint: 1,
    async run(t) {
      const before = await balances(t)
      const transfers = await t.db.count('transfers')
      const response = await t.request('POST', '/transfers', { json: { from: 3, to: 1, amount: 100 } })
      const after = await balances(t)
      t.expect(after, 'no balance may change when a transfer is refused, yet one did: money was created or lost').toBe(before)
      t.expect(await t.db.count('transfers'), 'a refused transfer must not be recorded').toBe(transfers)
      t.expectStatus(response, 409, 'Cleo has 0.00 and cannot send 1.00')
    },
  },
  {
    name: 'An unknown account answers 404 and changes nothing',
    hint: 1,
    async run(t) {
      for (const [from, to] of [
        [1, 999],
        [999, 1],
      ]) {
        const before = await balances(t)
        const transfers = await t.db.count('transfers')
        const response = await t.request('POST', '/transfers', { json: { from, to, amount: 1000 } })
        t.expect(await balances(t), `no balance may change when account 999 does not exist (from ${from} to ${to})`).toBe(before)
        t.expect(await t.db.count('transfers'), 'a refused transfer must not be recorded').toBe(transfers)
        t.expectStatus(response, 404, 'account 999 does not exist')
      }
    },
  },
  {
    name: 'An invalid amount answers 400 and changes nothing',
    hint: 0,
    async run(t) {
      const cases: [string, unknown][] = [
        ['a negative amount would take money from the receiver', -500],
        ['an amount of 0 is not a transfer', 0],
        ['amounts are whole cents, 10.5 is not one', 10.5],
        ['the amount must be a number, not the text "100"', '100'],
      ]
      for (const [because, amount] of cases) {
        const before = await balances(t)
        const response = await t.request('POST', '/transfers', { json: { from: 1, to: 2, amount } })
        t.expect(await balances(t), `no balance may change for the amount ${JSON.stringify(amount)}`).toBe(before)
        t.expectStatus(response, 400, because)
      }
      const self = await t.request('POST', '/transfers', { json: { from: 2, to: 2, amount: 100 } })
      t.expectStatus(self, 400, 'sending money to the same account is a mistake')
      const transfers = await t.db.count('transfers')
      const disguised = await t.request('POST', '/transfers', { json: { from: '2', to: 2, amount: 100 } })
      t.expectStatus(
        disguised,
        400,
        'from is the text "2", which is not === the number 2, yet SQLite finds account 2 with it: the same account in disguise. Check that from and to are whole numbers (Number.isInteger) before comparing them',
      )
      t.expect(await t.db.count('transfers'), 'a refused transfer must not be recorded').toBe(transfers)
    },
  },
  {
    name: 'Sending the whole balance works, one cent more does not',
    hint: 2,
    requires: ['POST /transfers moves money and records the transfer', 'Insufficient funds answer 409 and change nothing'],
    async run(t) {
      const tooMuch = await t.request('POST', '/transfers', { json: { from: 2, to: 3, amount: 7501 } })
      t.expectStatus(tooMuch, 409, 'Bob has 75.00 and 75.01 is one cent too many')
      const all = await t.request('POST', '/transfers', { json: { from: 2, to: 3, amount: 7500 } })
      t.expectStatus(all, 201, 'Bob has exactly 75.00, so he can send all of it')
      t.expect(await balances(t), 'Bob should have 0.00 and Cleo 75.00').toBe('Ada 75.00, Bob 0.00, Cleo 75.00')
    },
  },
  {
    name: 'The bank never creates or loses money',
    hint: 2,
    async run(t) {
      const total = await t.db.get('SELECT sum(balance) AS total FROM accounts')
      t.expect(total?.total, `after all these transfers the accounts should still hold ${START_TOTAL / 100}.00 in total`).toBe(START_TOTAL)
      const mismatched = await t.db.all(
        `WITH start (id, balance) AS (VALUES (1, 10000), (2, 5000), (3, 0))
         SELECT a.id, a.owner FROM accounts a JOIN start s ON s.id = a.id
         WHERE a.balance != s.balance
           + coalesce((SELECT sum(amount) FROM transfers WHERE to_id = a.id), 0)
           - coalesce((SELECT sum(amount) FROM transfers WHERE from_id = a.id), 0)`,
      )
      t.expect(mismatched, 'every balance should equal its starting balance plus the transfers in, minus the transfers out').toEqual([])
    },
  },
  {
    name: 'A transfer that fails halfway moves no money',
    hint: 2,
    async run(t) {
      const before = await balances(t)
      // The credit fails as a full disk or a lost connection would: the debit must roll back with it.
      await t.db.failStatement({ matching: 'UPDATE accounts', skip: 1 })
      const response = await t.request('POST', '/transfers', { json: { from: 1, to: 3, amount: 1000 } })
      t.expect(response.status, 'the second UPDATE of this transfer was made to fail, so it cannot answer 201').not.toBe(201)
      t.expect(
        await balances(t),
        'the credit to Cleo failed, so the debit from Ada must be undone too: run the checks and all the writes inside db.transaction(() => { ... })',
      ).toBe(before)
    },
  },
])
