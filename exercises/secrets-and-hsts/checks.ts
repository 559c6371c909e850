import { readFileSync } from 'node:fs'
import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

// The checks play the proxy in front of the app: TLS ends there, and it appends the scheme it saw
// to X-Forwarded-Proto. They read env.json, the configuration the app is given, to know the
// secrets that must never come out and to decrypt what the app stored with its keys.

const config = JSON.parse(readFileSync(new URL('./env.json', import.meta.url), 'utf8')) as Record<string, string>
const SECRETS = Object.entries(config).filter(([name]) => name.startsWith('IBAN_KEY_V'))
const HTTPS = { 'X-Forwarded-Proto': 'https' }
const ADA_IBAN = 'GB82 WEST 1234 5698 7654 32'
const NEW_IBAN = 'NL91 ABNA 0417 1643 00'
const ONE_YEAR = 365 * 24 * 60 * 60

/** Decrypts a stored "<key id>:<iv>:<ciphertext>" with the key env.json gives that id, or undefined when it does not decrypt. */
async function decryptStored(stored: unknown): Promise<{ keyId: string; plain: string } | undefined> {
  const [keyId = '', iv = '', sealed = ''] = String(stored).split(':')
  const raw = config[`IBAN_KEY_${keyId.toUpperCase()}`]
  if (!raw) return undefined
  try {
    const key = await crypto.subtle.importKey('raw', Buffer.from(raw, 'base64'), 'AES-GCM', false, ['decrypt'])
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: Buffer.from(iv, 'base64') }, key, Buffer.from(sealed, 'base64'))
    return { keyId, plain: Buffer.from(plain).toString('utf8') }
  } catch {
    return undefined
  }
}

/** The parts of a Strict-Transport-Security header: max-age as a number, and its flags. */
function readHsts(response: CheckResponse): { maxAge: number; directives: string[] } | undefined {
  const header = response.headers.get('strict-transport-security')
  if (header === null) return undefined
  const directives = header.split(';').map((part) => part.trim().toLowerCase())
  const maxAge = directives.find((part) => part.startsWith('max-age='))
  return { maxAge: Number(maxAge?.slice('max-age='.length).replace(/"/g, '')), directives }
}

/** No IBAN is stored readable: every row's iban must not contain the digits of any IBAN the checks know. */
async function expectNoPlainIbans(t: CheckContext) {
  const rows = await t.db.all('SELECT id, iban FROM employees')
  const digits = (text: string) => text.replace(/\D/g, '')
  for (const iban of [ADA_IBAN, NEW_IBAN]) {
    t.expect(
      rows.map((row) => digits(String(row.iban))).filter((stored) => stored.includes(digits(iban))),
      `an IBAN is readable in the employees table: ${iban} must only be stored encrypted`,
    ).toEqual([])
  }
}

const CREATE = 'New rows are encrypted with the current key (v2), and say so'

export default defineChecks([
  {
    name: 'HTTPS answers carry Strict-Transport-Security for a year, subdomains included',
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/health', { headers: HTTPS })
      t.expectStatus(response, 200, 'the proxy says this request came over HTTPS')
      const hsts = readHsts(response)
      if (!hsts) {
        return t.fail(
          'GET /health over HTTPS has no Strict-Transport-Security header: without it, the next time the user types payroll.example the browser tries plain http first, where an attacker on the network can answer instead',
        )
      }
      t.expect(
        hsts.maxAge,
        `Strict-Transport-Security max-age is in seconds: at least a year (${ONE_YEAR}), so browsers remember it between visits (and the preload list accepts it)`,
      ).toBeGreaterThanOrEqual(ONE_YEAR)
      t.expect(
        hsts.directives,
        'Strict-Transport-Security should say includeSubDomains: otherwise http://old.payroll.example can still set cookies for the whole domain',
      ).toContain('includesubdomains')
    },
  },
  {
    name: 'Plain http through the proxy is redirected for good to https',
    weight: 2,
    hint: 1,
    async run(t) {
      const cases: [string, string][] = [
        ['http', 'the proxy saw plain http'],
        ['https, http', 'the client wrote "https" itself; the proxy appended what it really saw, http. Only the last entry is the proxy\'s'],
      ]
      for (const [scheme, because] of cases) {
        const response = await t.request('GET', '/employees/1?view=full', { headers: { 'X-Forwarded-Proto': scheme } })
        t.expect(
          [301, 308],
          `with X-Forwarded-Proto: ${scheme}, ${because}, so the answer should be a permanent redirect (308 keeps the method and body; 302 and 307 are temporary, and the browser would try http again next time)`,
        ).toContain(response.status)
        t.expect(
          response.headers.get('location'),
          `the redirect should go to the same path and query on the public origin, ${config.PUBLIC_ORIGIN} (the app's own URL names the internal host behind the proxy)`,
        ).toBe(`${config.PUBLIC_ORIGIN}/employees/1?view=full`)
        t.expect(
          response.headers.get('strict-transport-security'),
          'an answer over plain http must not carry Strict-Transport-Security (RFC 6797): browsers ignore it there, since anyone on the network could have added it',
        ).toBeNull()
      }
    },
  },
  {
    name: 'Only the proxy decides: https and requests from inside are not redirected',
    hint: 1,
    async run(t) {
      const https = await t.request('GET', '/health', { headers: HTTPS })
      t.expectStatus(
        https,
        200,
        'the proxy says this came over HTTPS. Behind the proxy the app itself is always reached over http, so a redirect decided by the URL would loop forever',
      )
      const inside = await t.request('GET', '/health')
      t.expectStatus(
        inside,
        200,
        'a request without X-Forwarded-Proto did not come through the proxy (a health check from inside): nothing to redirect',
      )
    },
  },
  {
    name: CREATE,
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/employees', { headers: HTTPS, json: { name: 'Margaret Hamilton', iban: NEW_IBAN } })
      t.expectJson(response, 201, { id: t.expect.any(Number), name: 'Margaret Hamilton' }, 'a new employee with a name and an IBAN')
      t.expect(response.text, 'the answer should not echo the IBAN').not.toContain(NEW_IBAN)
      const row = await t.db.get('SELECT iban FROM employees WHERE id = ?', [response.json.id])
      await expectNoPlainIbans(t)
      const opened = await decryptStored(row?.iban)
      t.expect(
        opened?.keyId,
        `the stored iban "${String(row?.iban).slice(0, 40)}..." should start with the id of the key that encrypted it, and that key should be the current one, IBAN_KEY_ID from env(c): "v2:<iv>:<ciphertext>"`,
      ).toBe(config.IBAN_KEY_ID)
      t.expect(opened?.plain, 'the stored iban should decrypt, with the key IBAN_KEY_V2 from env(c), to the IBAN that was sent').toBe(NEW_IBAN)
      const read = await t.request('GET', `/employees/${response.json.id}`, { headers: HTTPS })
      t.expectJson(read, 200, { id: response.json.id, name: 'Margaret Hamilton', iban: NEW_IBAN }, 'the employee was just created')
    },
  },
  {
    name: 'The same IBAN encrypted twice gives two different ciphertexts',
    requires: [CREATE],
    hint: 1,
    async run(t) {
      const ids: number[] = []
      for (const name of ['Twin One', 'Twin Two']) {
        const response = await t.request('POST', '/employees', { headers: HTTPS, json: { name, iban: NEW_IBAN } })
        t.expectStatus(response, 201, 'a new employee')
        ids.push(response.json.id)
      }
      const rows = await t.db.all('SELECT iban FROM employees WHERE id IN (?, ?)', ids)
      t.expect(
        rows[0]?.iban,
        'two employees with the same IBAN have the same stored value: the IV must be new and random for every encryption (crypto.getRandomValues). With AES-GCM, a repeated IV shows who shares an IBAN and lets an attacker forge ciphertexts',
      ).not.toBe(rows[1]?.iban)
    },
  },
  {
    name: 'A row encrypted with the old key (v1) still reads',
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/employees/1', { headers: HTTPS })
      t.expectJson(
        response,
        200,
        { id: 1, name: 'Ada Lovelace', iban: ADA_IBAN },
        "ada's row says v1: decrypt each row with the key its id names (IBAN_KEY_V1), not always with the current one",
      )
    },
  },
  {
    name: 'Reading an old row re-encrypts it with the current key',
    requires: ['A row encrypted with the old key (v1) still reads'],
    hint: 2,
    async run(t) {
      const row = await t.db.get('SELECT iban FROM employees WHERE id = 1')
      await expectNoPlainIbans(t)
      const opened = await decryptStored(row?.iban)
      t.expect(
        opened?.keyId,
        "ada's row was just read: it should now be stored under the current key (v2), so that v1 can be retired once no row uses it",
      ).toBe(config.IBAN_KEY_ID)
      t.expect(opened?.plain, "ada's re-encrypted row should still hold her IBAN").toBe(ADA_IBAN)
      const again = await t.request('GET', '/employees/1', { headers: HTTPS })
      t.expectJson(again, 200, { id: 1, name: 'Ada Lovelace', iban: ADA_IBAN }, 'the re-encrypted row reads as before')
    },
  },
  {
    name: 'No key appears in any answer, and no key or IBAN in any log line, even when something fails',
    weight: 2,
    hint: 1,
    async run(t) {
      const requests: [string, string, unknown?][] = [
        ['GET', '/health'],
        ['POST', '/employees', { name: 'Katherine Johnson', iban: 'DE89 3704 0044 0532 0130 00' }],
        ['POST', '/employees', { name: 'No IBAN' }],
        ['GET', '/employees/2'],
        ['GET', '/employees/3'], // its ciphertext was damaged: decrypting it fails
        ['GET', '/employees/999'],
      ]
      for (const [method, path, json] of requests) {
        const response = await t.request(method, path, { headers: HTTPS, ...(json === undefined ? {} : { json }) })
        const answer = `${[...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')}\n${response.text}`
        for (const [name, secret] of SECRETS) {
          if (answer.includes(secret)) t.fail(`${method} ${path} answered the value of ${name}: a key in an answer is a key anyone can read`)
        }
      }
      const logs = JSON.stringify(t.logs())
      for (const [name, secret] of SECRETS) {
        if (logs.includes(secret)) t.fail(`a log line holds the value of ${name}: logs are read by many people and tools, and kept for years`)
      }
      for (const iban of ['DE89 3704 0044 0532 0130 00', 'FR14 2004 1010 0505 0001 3M02 606']) {
        t.expect(logs, 'a log line holds an IBAN: what is encrypted in the database must not be written in the clear to the logs').not.toContain(iban)
      }
    },
  },
])
