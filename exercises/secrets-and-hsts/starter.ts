import { Hono, type Context } from 'hono'
import { env } from 'hono/adapter'
import { db, log } from 'sandbox'

// A payroll service. employees(id, name, iban): iban is "<key id>:<iv>:<ciphertext>", AES-GCM.
//
// The v1 key below was pasted into a support ticket last month. Security made a new one, v2, and
// the deployment now gives both in its configuration: env(c) answers what env.json holds
// (PUBLIC_ORIGIN, IBAN_KEY_ID, IBAN_KEY_V1, IBAN_KEY_V2). Four things to do:
//   1. HTTPS: redirect plain http (as the proxy reports it) to PUBLIC_ORIGIN, and send HSTS over HTTPS
//   2. keys from env(c), not from the code; new rows under IBAN_KEY_ID; each row decrypted with its own key
//   3. a row read under an older key is stored again under the current one
//   4. errors must not answer (or log) the configuration
const app = new Hono()

/** The configuration the deployment gives (env.json here). The keys are secrets: never in code, logs or answers. */
type Config = { PUBLIC_ORIGIN: string; IBAN_KEY_ID: string; [name: `IBAN_KEY_V${number}`]: string | undefined }

// ---- HTTPS ----
// TLS ends at our one proxy, which appends the scheme it saw to X-Forwarded-Proto, after anything
// the client sent: only the last entry is true. No header: the request did not come through the
// proxy (a health check from inside), so there is nothing to redirect.
// TODO (1): a middleware here.

// TODO (4): handy while debugging, and a gift to anyone who makes a request fail.
app.onError((error, c) => {
  return c.json({ error: error.message, config: env<Config>(c) }, 500)
})

// ---- Encryption with key ids ----
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))

// TODO (2): the key is in the code (and in git history, forever), and there is only one.
const CURRENT_KEY_ID = 'v1'
const KEYS: Record<string, string> = { v1: 'rnj3czTPBAhxPdicQzVLq3dNCXoeJogzKgeIXVMiotc=' }

/** The AES-GCM key with this id. */
async function ibanKey(c: Context, id: string): Promise<CryptoKey> {
  const raw = KEYS[id]
  if (!raw) throw new Error(`no IBAN key with id ${id}`)
  return crypto.subtle.importKey('raw', fromBase64(raw), 'AES-GCM', false, ['encrypt', 'decrypt'])
}

/** Encrypts with the current key, under a fresh random IV, and says which key it used. */
async function encryptIban(c: Context, iban: string): Promise<string> {
  const id = CURRENT_KEY_ID
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await ibanKey(c, id), new TextEncoder().encode(iban))
  return `${id}:${toBase64(iv)}:${toBase64(new Uint8Array(sealed))}`
}

/** Decrypts with the key the stored value names. */
async function decryptIban(c: Context, stored: string): Promise<{ iban: string; keyId: string }> {
  const [keyId = '', iv = '', sealed = ''] = stored.split(':')
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv) }, await ibanKey(c, keyId), fromBase64(sealed))
  return { iban: new TextDecoder().decode(plain), keyId }
}

// ---- Routes ----
app.get('/health', (c) => c.json({ ok: true }))

// { name, iban } -> 201 { id, name }
app.post('/employees', async (c) => {
  const { name, iban } = await c.req.json().catch(() => ({}))
  if (typeof name !== 'string' || name === '' || typeof iban !== 'string' || iban === '') {
    return c.json({ error: 'name and iban are required' }, 400)
  }
  const { lastInsertRowid } = db.run('INSERT INTO employees (name, iban) VALUES (?, ?)', [name, await encryptIban(c, iban)])
  return c.json({ id: lastInsertRowid, name }, 201)
})

// -> 200 { id, name, iban }, or 404.
// TODO (3): a row under an older key stays under it.
app.get('/employees/:id', async (c) => {
  const row = db.get<{ id: number; name: string; iban: string }>('SELECT id, name, iban FROM employees WHERE id = ?', [c.req.param('id')])
  if (!row) return c.json({ error: 'no such employee' }, 404)
  const { iban } = await decryptIban(c, row.iban)
  return c.json({ id: row.id, name: row.name, iban })
})

export default app
