// Hono docs, Helpers (https://hono.dev/docs/helpers/cookie, .../html, .../accepts,
// .../streaming): cookies (plain, signed, deleted), the html tagged template, content
// negotiation, streamText and streamSSE.
import { Hono } from 'hono'
import { accepts } from 'hono/accepts'
import { deleteCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from 'hono/cookie'
import { html, raw } from 'hono/html'
import { streamSSE, streamText } from 'hono/streaming'

const app = new Hono()

app.get('/cookie', (c) => {
  setCookie(c, 'delicious_cookie', 'macha')
  setCookie(c, 'great_cookie', 'blueberry', { path: '/', secure: true, httpOnly: true, maxAge: 1000, sameSite: 'Strict' })
  return c.text('Set!')
})
app.get('/cookie/read', (c) => c.json({ one: getCookie(c, 'delicious_cookie') ?? null, all: getCookie(c) }))
app.get('/cookie/delete', (c) => {
  deleteCookie(c, 'delicious_cookie')
  return c.text('Deleted')
})
app.get('/signed', async (c) => {
  await setSignedCookie(c, 'session', 'user-1', 'secret-key')
  return c.text('Signed')
})
app.get('/signed/read', async (c) => c.json({ session: (await getSignedCookie(c, 'secret-key', 'session')) ?? null }))

app.get('/html/:username', (c) => {
  const { username } = c.req.param()
  return c.html(
    html`<!doctype html>
      <h1>Hello! ${username}!</h1>
      ${raw('<p>raw markup</p>')}`,
  )
})

app.get('/accepts', (c) => {
  const lang = accepts(c, { header: 'Accept-Language', supports: ['en', 'ja', 'zh'], default: 'en' })
  return c.json({ lang })
})

app.get('/stream-text', (c) =>
  streamText(c, async (stream) => {
    await stream.writeln('Hello')
    await stream.write('Hono!')
  }),
)
app.get('/sse', (c) =>
  streamSSE(c, async (stream) => {
    for (let id = 0; id < 3; id++) await stream.writeSSE({ data: `message ${id}`, event: 'time-update', id: String(id) })
  }),
)

export default app

export const requests = [
  { name: 'setCookie', path: '/cookie' },
  { name: 'getCookie', path: '/cookie/read', headers: { cookie: 'delicious_cookie=macha; other=1' } },
  { name: 'deleteCookie', path: '/cookie/delete' },
  { name: 'setSignedCookie', path: '/signed' },
  {
    name: 'getSignedCookie with a forged signature',
    path: '/signed/read',
    headers: { cookie: 'session=user-1.bm90LWEtcmVhbC1zaWduYXR1cmU%3D' },
  },
  { name: 'html tagged template escapes', path: '/html/%3Cb%3Eann%3C%2Fb%3E' },
  { name: 'accepts() picks a language', path: '/accepts', headers: { 'accept-language': 'ja;q=0.8, zh;q=0.9, fr' } },
  { name: 'streamText', path: '/stream-text' },
  { name: 'streamSSE', path: '/sse' },
]
