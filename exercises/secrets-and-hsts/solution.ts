import { Hono, type Context } from 'hono'
import { env } from 'hono/adapter'
import { db, log } from 'sandbox'

// A payroll service. employees(id, name, iban): iban is "<key id>:<iv>:<ciphertext>", AES-GCM.
const app = new Hono()

/** The configuration the deployment gives (env.json here). The keys are secrets: never in code, logs or answers. */
type Config = { PUBLIC_ORIGIN: string; IBAN_KEY_ID: string; [name: `IBAN_KEY_V${number}`]: string | undefined }

const HSTS = 'max-age=31536000; includeSubDomains'

// ---- HTTPS ----
// TLS ends at our one proxy, which appends the scheme it saw to X-Forwarded-Proto, after anything
// the client sent: only the last entry is true. No header: the request did not come through the
// proxy (a health check from inside), so there is nothing to redirect.
app.use(async (c, next) => {
  const scheme = c.req.header('X-Forwarded-Proto')?.split(',').at(-1)?.trim()
  if (scheme === 'http') {
    const { pathname, search } = new URL(c.req.url)
    return c.redirect(`${env<Config>(c).PUBLIC_ORIGIN}${pathname}${search}`, 308)
  }
  await next()
  // Only over HTTPS: a browser ignores HSTS on plain http, where anyone could have added it.
  if (scheme === 'https') c.res.headers.set('Strict-Transport-Security', HSTS)
})

// An error answers nothing about its cause (its message could hold a value or a key): the log has it.
app.onError((error, c) => {
  log.error('request failed', { path: c.req.path, error: `${error.name}: ${error.message}` })
  return c.json({ error: 'something went wrong on our side' }, 500)
})

// ---- Encryption with key ids ----
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))

/** The AES-GCM key with this id, from the configuration (IBAN_KEY_V1 for "v1"). */
async function ibanKey(c: Context, id: string): Promise<CryptoKey> {
  const raw = env<Config>(c)[`IBAN_KEY_${id.toUpperCase()}` as `IBAN_KEY_V${number}`]
  if (!raw) throw new Error(`no IBAN key with id ${id}`)
  return crypto.subtle.importKey('raw', fromBase64(raw), 'AES-GCM', false, ['encrypt', 'decrypt'])
}

/** Encrypts with the current key, under a fresh random IV, and says which key it used. */
async function encryptIban(c: Context, iban: string): Promise<string> {
  const id = env<Config>(c).IBAN_KEY_ID
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

// -> 200 { id, name, iban }, or 404. A row under an older key is re-encrypted with the current one.
app.get('/employees/:id', async (c) => {
  const row = db.get<{ id: number; name: string; iban: string }>('SELECT id, name, iban FROM employees WHERE id = ?', [c.req.param('id')])
  if (!row) return c.json({ error: 'no such employee' }, 404)
  const { iban, keyId } = await decryptIban(c, row.iban)
  if (keyId !== env<Config>(c).IBAN_KEY_ID) {
    db.run('UPDATE employees SET iban = ? WHERE id = ?', [await encryptIban(c, iban), row.id])
  }
  return c.json({ id: row.id, name: row.name, iban })
})

export default app
