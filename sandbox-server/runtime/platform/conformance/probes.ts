/**
 * Probes of the web platform: async function bodies that use only web APIs and return plain
 * data. Each runs once inside the isolate and once on the host (Node's own web platform);
 * the suite expects the same result from both.
 *
 * A probe must return plain data only, and error *names*, never messages: the messages of
 * two implementations may differ where the standard does not fix them.
 */
export interface Probe {
  name: string
  body: string
}

const catchName = `const nameOf = (fn) => { try { fn(); return 'no error' } catch (e) { return e.name } }
const asyncNameOf = async (fn) => { try { await fn(); return 'no error' } catch (e) { return e.name } }`

export const probes: Probe[] = [
  {
    name: 'URL parses absolute, relative, IPv6, IDN and odd inputs like Node',
    body: `
      const inputs = [
        ['http://example.com/a/../b/./c?x=1&y=%20#frag'],
        ['HTTP://EXAMPLE.com:80/Path'],
        ['https://例え.jp/パス?q=ü'],
        ['http://user:p%40ss@host:8080/p?'],
        ['../x?y', 'http://a/b/c/d'],
        ['//other.org/z', 'https://a/'],
        ['http://[::1]:3000/'],
        ['http://a/%zz/ sp'],
        ['file:///C:/dir/file.txt'],
        ['mailto:someone@example.com'],
        ['http://a.com:99999/'],
        ['not a url'],
        ['http://exa mple.com/'],
      ]
      return inputs.map(([input, base]) => {
        try {
          const u = base === undefined ? new URL(input) : new URL(input, base)
          return [u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, URL.canParse(input, base)]
        } catch (e) { return ['throws', e.name, URL.canParse(input, base)] }
      })`,
  },
  {
    name: 'URLSearchParams parses, edits and serialises like Node',
    body: `
      const p = new URLSearchParams('a=1&b=%20c&a=%C3%BC+x&empty=&=novalue&plus=a+b')
      p.append('new', 'x y&z=ü')
      const before = p.toString()
      p.sort()
      const u = new URL('https://h/p?q=1')
      u.searchParams.set('q', 'two words')
      u.searchParams.append('r', '/')
      return [before, p.toString(), p.getAll('a'), p.get('missing'), p.has('a', '1'), p.size, [...p.keys()], u.href,
        new URLSearchParams({ x: '1', y: 'é' }).toString(), new URLSearchParams([['k', 'v'], ['k', 'w']]).getAll('k')]`,
  },
  {
    name: 'TextEncoder and TextDecoder round-trip non-ASCII text and handle broken bytes like Node',
    body: `${catchName}
      const samples = ['plain ascii', 'ünïcödé', '日本語のテキスト', 'emoji 😀🎉 mixed', '\\u0000\\u007f\\u0080\\u07ff\\u0800\\uffff', 'lone \\ud800 surrogate \\udc00']
      const enc = new TextEncoder(), dec = new TextDecoder()
      const trips = samples.map((s) => { const b = enc.encode(s); return [Array.from(b), dec.decode(b)] })
      const broken = [[0x61, 0xff, 0x62], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf, 0x41]]
        .map((bytes) => dec.decode(new Uint8Array(bytes)))
      const streaming = new TextDecoder()
      const euro = [0xe2, 0x82, 0xac]
      const pieces = [streaming.decode(new Uint8Array(euro.slice(0, 1)), { stream: true }), streaming.decode(new Uint8Array(euro.slice(1)), { stream: true }), streaming.decode()]
      const target = new Uint8Array(5)
      const into = enc.encodeInto('a€😀', target)
      const view = new DataView(new Uint8Array([0, 0x68, 0x69, 0]).buffer, 1, 2)
      return [trips, broken, pieces, [into.read, into.written, Array.from(target)],
        nameOf(() => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff]))),
        new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).length,
        new TextDecoder().decode(view), new TextDecoder(' UTF8 ').encoding, new TextDecoder().decode()]`,
  },
  {
    name: 'atob and btoa agree with Node, including their errors',
    body: `${catchName}
      return [btoa('Hello, world'), btoa(''), btoa('\\u00ff\\u00fe'), atob('SGVsbG8='), atob(' SGVs bG8 '), atob('SGVsbG8'),
        nameOf(() => btoa('€')), nameOf(() => atob('*'))]`,
  },
  {
    name: 'structuredClone copies dates, maps, sets, typed arrays and cycles, and refuses functions',
    body: `${catchName}
      const source = { when: new Date(0), map: new Map([[1, { a: 1 }]]), set: new Set(['x']), bytes: new Uint8Array([1, 2, 3]), re: /a+/gi, nested: { list: [1, 'two', null] } }
      source.self = source
      const copy = structuredClone(source)
      return [copy !== source, copy.self === copy, copy.when instanceof Date, copy.when.getTime(), copy.map.get(1).a, copy.map.get(1) !== source.map.get(1),
        copy.set.has('x'), Array.from(copy.bytes), copy.bytes.buffer !== source.bytes.buffer, copy.re.source, copy.re.flags, copy.nested,
        nameOf(() => structuredClone({ f() {} }))]`,
  },
  {
    name: 'queueMicrotask runs after the current job and before timers',
    body: `
      const order = []
      setTimeout(() => order.push('timeout'), 0)
      queueMicrotask(() => order.push('microtask'))
      order.push('sync')
      await new Promise((resolve) => setTimeout(resolve, 5))
      return order`,
  },
  {
    name: 'Headers validate, combine, sort and keep Set-Cookie apart like Node',
    body: `${catchName}
      const h = new Headers({ 'X-B': ' padded value ', 'x-a': '1' })
      h.append('X-A', '2')
      h.append('Set-Cookie', 'a=1; Path=/')
      h.append('Set-Cookie', 'b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT')
      h.set('content-type', 'text/plain')
      const copy = new Headers(h)
      copy.delete('x-a')
      return [[...h], h.get('x-a'), h.get('set-cookie'), h.getSetCookie(), h.has('X-B'), [...copy.keys()],
        nameOf(() => h.append('bad name', 'x')), nameOf(() => h.set('x', 'a\\nb')), nameOf(() => new Headers([['only-one']])),
        [...new Headers([['Z', '1'], ['a', '2']])]]`,
  },
  {
    name: 'Request normalises methods, copies headers and guards its body like Node',
    body: `${catchName}
      const r = new Request('http://example.com/p?q=1', { method: 'post', headers: { 'X-A': '1' }, body: 'hello' })
      const patched = new Request('http://example.com/', { method: 'patch' })
      const copy = r.clone()
      const text = await r.text()
      const fromRequest = new Request(copy, { headers: { 'X-B': '2' } })
      return [r.method, patched.method, r.url, r.headers.get('content-type'), text, r.bodyUsed, copy.bodyUsed,
        await fromRequest.text(), copy.bodyUsed, fromRequest.headers.get('x-a'), fromRequest.headers.get('x-b'),
        typeof r.signal.aborted, r.redirect, r.body === null, new Request('http://a/').body === null,
        nameOf(() => new Request('http://a/', { method: 'GET', body: 'x' })),
        nameOf(() => new Request('/relative')), nameOf(() => new Request('http://a/', { method: 'CONNECT' })),
        nameOf(() => new Request('http://u:p@a/')), await asyncNameOf(() => r.text())]`,
  },
  {
    name: 'Response builds bodies from every BodyInit and reports status like Node',
    body: `${catchName}
      const read = async (body) => { const res = new Response(body); return [res.headers.get('content-type'), await res.text()] }
      const form = new URLSearchParams({ a: '1', b: 'x y' })
      const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('streamed')); c.close() } })
      const bodies = [await read('text'), await read(new Uint8Array([104, 105])), await read(new Uint16Array([0x6968]).buffer), await read(form),
        await read(new Blob(['blob ', 'parts'], { type: 'text/x-blob' })), await read(stream), await read(null), await read(42)]
      const json = Response.json({ a: [1, 2] }, { status: 202, headers: { 'X-J': '1' } })
      const redirect = Response.redirect('http://example.com/next', 307)
      const error = Response.error()
      const teapot = new Response('x', { status: 418, statusText: 'Teapot' })
      return [bodies, json.status, json.headers.get('content-type'), await json.json(), redirect.status, redirect.headers.get('location'),
        error.type, error.status, new Response().body === null, teapot.ok, teapot.statusText, new Response(null, { status: 204 }).ok,
        nameOf(() => redirect.headers.set('x', 'y')), nameOf(() => new Response('x', { status: 204 })),
        nameOf(() => new Response('x', { status: 600 })), nameOf(() => Response.redirect('http://a/', 200)),
        nameOf(() => Response.json(undefined))]`,
  },
  {
    name: 'Response and Request take an options object, undefined or null, and refuse anything else',
    body: `${catchName}
      return [new Response(null, null).status, new Response('x', undefined).status, new Request('http://a/', null).method,
        nameOf(() => new Response(null, 'oops')), nameOf(() => new Response(null, 404)), nameOf(() => new Request('http://a/', 'oops')),
        nameOf(() => new Request('http://a/', true))]`,
  },
  {
    name: 'Response.body is a readable byte stream and bodyUsed follows it',
    body: `${catchName}
      const res = new Response('streamed body')
      const clone = res.clone()
      const reader = res.body.getReader()
      const chunks = []
      for (;;) { const { done, value } = await reader.read(); if (done) break; chunks.push(...value) }
      return [new TextDecoder().decode(new Uint8Array(chunks)), res.bodyUsed, await clone.text(), clone.bodyUsed,
        await asyncNameOf(() => res.text()), nameOf(() => res.clone()), await new Response('ab').arrayBuffer().then((b) => b.byteLength),
        await new Response('ab').blob().then((b) => [b.size, b.type]), await new Response('x', { headers: { 'content-type': 'text/x-y' } }).blob().then((b) => b.type)]`,
  },
  {
    name: 'FormData survives a multipart round trip through Response',
    body: `
      const form = new FormData()
      form.append('name', 'Ünï "quoted"\\r\\nline')
      form.append('file', new File(['file ', 'content 😀'], 'hello.txt', { type: 'text/plain' }))
      form.append('blob', new Blob([new Uint8Array([0, 255, 10, 13])]), 'raw.bin')
      form.append('many', 'one')
      form.append('many', 'two')
      const response = new Response(form)
      const type = response.headers.get('content-type')
      const back = await response.formData()
      const entries = []
      for (const [name, value] of back) {
        entries.push(typeof value === 'string' ? [name, value] : [name, value.name, value.type, Array.from(new Uint8Array(await value.arrayBuffer()))])
      }
      return [type.startsWith('multipart/form-data; boundary='), entries, back.getAll('many')]`,
  },
  {
    name: 'urlencoded bodies read back as FormData, and other types are refused',
    body: `${catchName}
      const form = await new Request('http://a/', { method: 'POST', body: new URLSearchParams('a=1&b=x+y&a=2') }).formData()
      return [form.getAll('a'), form.get('b'), await asyncNameOf(() => new Response('a=1', { headers: { 'content-type': 'text/plain' } }).formData())]`,
  },
  {
    name: 'crypto.subtle digests, HMAC and AES-GCM agree with Node',
    body: `
      const data = new TextEncoder().encode('The quick brown fox 😀')
      const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('')
      const digests = []
      for (const name of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) digests.push(hex(await crypto.subtle.digest(name, data)))
      digests.push(hex(await crypto.subtle.digest({ name: 'SHA-256' }, data.buffer)))
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('secret'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
      const signature = await crypto.subtle.sign('HMAC', key, data)
      const verified = await crypto.subtle.verify('HMAC', key, signature, data)
      const forged = await crypto.subtle.verify('HMAC', key, new Uint8Array(32), data)
      const jwkKey = await crypto.subtle.importKey('jwk', { kty: 'oct', k: 'c2VjcmV0', alg: 'HS512', ext: true }, { name: 'HMAC', hash: 'SHA-512' }, true, ['sign'])
      const exported = await crypto.subtle.exportKey('jwk', jwkKey)
      const aes = await crypto.subtle.importKey('raw', new Uint8Array(16).fill(7), 'AES-GCM', true, ['encrypt', 'decrypt'])
      const iv = new Uint8Array(12).fill(1)
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, data)
      const opened = new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, aes, sealed))
      const pbkdf2 = await crypto.subtle.importKey('raw', new TextEncoder().encode('password'), 'PBKDF2', false, ['deriveBits'])
      const derived = hex(await crypto.subtle.deriveBits({ name: 'PBKDF2', salt: new TextEncoder().encode('salt'), iterations: 1000, hash: 'SHA-256' }, pbkdf2, 256))
      return [digests, hex(signature), verified, forged, key.type, key.extractable, key.algorithm, key.usages, exported.k, exported.alg,
        hex(sealed), opened, derived, hex(await crypto.subtle.exportKey('raw', aes))]`,
  },
  {
    name: 'crypto keys keep their secrets and crypto errors carry standard names',
    body: `${catchName}
      const key = await crypto.subtle.importKey('raw', new Uint8Array([1, 2, 3]), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
      const data = new Uint8Array([1, 2, 3])
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data)
      return [Object.keys(key), JSON.stringify(key), String(key), pair.publicKey.extractable, pair.privateKey.extractable, pair.privateKey.type,
        await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, signature, data),
        // Node 20 names this one 'InvalidAccessException' (a Node bug); the standard says InvalidAccessError.
        /^InvalidAccess/.test(await asyncNameOf(() => crypto.subtle.exportKey('raw', key))),
        await asyncNameOf(() => crypto.subtle.digest('SHA-3', data)),
        await asyncNameOf(() => crypto.subtle.sign('HMAC', pair.privateKey, data)),
        await asyncNameOf(() => crypto.subtle.importKey('raw', data, { name: 'HMAC', hash: 'SHA-256' }, false, [])),
        nameOf(() => new CryptoKey()), nameOf(() => crypto.getRandomValues(new Float64Array(2))),
        nameOf(() => crypto.getRandomValues(new Uint8Array(65537)))]`,
  },
  {
    name: 'crypto generates, exports and re-imports RSA and Ed25519 key pairs as JWK',
    body: `
      const data = new TextEncoder().encode('signed text')
      const rsa = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])
      const privateJwk = await crypto.subtle.exportKey('jwk', rsa.privateKey)
      const publicJwk = await crypto.subtle.exportKey('jwk', rsa.publicKey)
      const imported = await crypto.subtle.importKey('jwk', privateJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
      const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', imported, data)
      const publicKey = await crypto.subtle.importKey('jwk', publicJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify'])
      const spki = await crypto.subtle.exportKey('spki', publicKey)
      const ed = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])
      const edSignature = await crypto.subtle.sign('Ed25519', ed.privateKey, data)
      return [privateJwk.kty, privateJwk.alg, privateJwk.key_ops, privateJwk.ext, typeof privateJwk.d, publicJwk.e,
        rsa.publicKey.algorithm.name, rsa.publicKey.algorithm.modulusLength, Array.from(rsa.publicKey.algorithm.publicExponent), rsa.publicKey.algorithm.hash,
        signature.byteLength, await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, data), spki.byteLength,
        edSignature.byteLength, await crypto.subtle.verify('Ed25519', ed.publicKey, edSignature, data), ed.privateKey.algorithm]`,
  },
  {
    name: 'crypto.getRandomValues and randomUUID give fresh, well-formed values',
    body: `
      const a = crypto.getRandomValues(new Uint8Array(64))
      const b = crypto.getRandomValues(new Uint32Array(16))
      const big = crypto.getRandomValues(new Uint8Array(65536))
      const uuids = Array.from({ length: 5 }, () => crypto.randomUUID())
      return [a.some((x) => x !== 0), b.some((x) => x !== 0), big.length, new Set(uuids).size,
        uuids.every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u))]`,
  },
  {
    name: 'timers run in order, pass arguments, and stop when cleared',
    body: `
      const events = []
      setTimeout((x, y) => events.push('late ' + x + y), 30, 'a', 'b')
      setTimeout(() => events.push('early'), 5)
      const cancelled = setTimeout(() => events.push('cancelled'), 10)
      clearTimeout(cancelled)
      let ticks = 0
      await new Promise((resolve) => {
        const id = setInterval(() => { ticks++; if (ticks === 3) { clearInterval(id); resolve() } }, 5)
      })
      await new Promise((resolve) => setTimeout(resolve, 40))
      return [events, ticks]`,
  },
  {
    name: 'AbortController and AbortSignal abort, time out and combine',
    body: `${catchName}
      const controller = new AbortController()
      const seen = []
      controller.signal.addEventListener('abort', () => seen.push('listener'))
      controller.signal.onabort = () => seen.push('onabort')
      controller.abort('why')
      const timed = AbortSignal.timeout(5)
      await new Promise((resolve) => timed.addEventListener('abort', resolve))
      const any = AbortSignal.any([new AbortController().signal, AbortSignal.abort()])
      const request = new Request('http://a/', { signal: controller.signal })
      return [seen, controller.signal.aborted, controller.signal.reason, timed.reason.name, any.aborted, any.reason.name,
        request.signal.aborted, nameOf(() => controller.signal.throwIfAborted()), nameOf(() => new AbortSignal())]`,
  },
  {
    name: 'web streams pipe through transforms and text streams',
    body: `
      const upper = new TransformStream({ transform(chunk, controller) { controller.enqueue(chunk.toUpperCase()) } })
      const source = new ReadableStream({ start(c) { c.enqueue('hello '); c.enqueue('wörld'); c.close() } })
      const bytes = source.pipeThrough(upper).pipeThrough(new TextEncoderStream())
      const text = await new Response(bytes.pipeThrough(new TextDecoderStream()).pipeThrough(new TextEncoderStream())).text()
      const written = []
      const sink = new WritableStream({ write(chunk) { written.push(chunk) } })
      await new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close() } }).pipeTo(sink)
      const [left, right] = new Response('tee').body.tee()
      return [text, written, await new Response(left).text(), await new Response(right).text()]`,
  },
  {
    name: 'CompressionStream and DecompressionStream round-trip gzip, deflate and deflate-raw',
    body: `
      ${catchName}
      const collect = async (stream, chunks) => {
        const writer = stream.writable.getWriter()
        for (const chunk of chunks) writer.write(chunk).catch(() => {})
        writer.close().catch(() => {})
        return new Uint8Array(await new Response(stream.readable).arrayBuffer())
      }
      const text = JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ i, name: 'item ' + i, note: 'ü ✓' })))
      const roundTrip = async (format) => {
        const compressed = new Uint8Array(await new Response(new Response(text).body.pipeThrough(new CompressionStream(format))).arrayBuffer())
        const back = await new Response(new Blob([compressed]).stream().pipeThrough(new DecompressionStream(format))).text()
        return [format, back === text, compressed.length < text.length / 4]
      }
      const gz = await collect(new CompressionStream('gzip'), [new TextEncoder().encode('abc'), new Uint16Array([0x6564]), new DataView(new Uint8Array([102]).buffer)])
      const back = new TextDecoder().decode(await collect(new DecompressionStream('gzip'), [gz.subarray(0, 5), gz.subarray(5)]))
      const empty = await collect(new DecompressionStream('deflate'), [await collect(new CompressionStream('deflate'), [])])
      return [await roundTrip('gzip'), await roundTrip('deflate'), await roundTrip('deflate-raw'), Array.from(gz.subarray(0, 3)), back, empty.length,
        nameOf(() => new CompressionStream('no-such-format')), nameOf(() => new DecompressionStream('GZIP')), nameOf(() => new CompressionStream()),
        Object.prototype.toString.call(new CompressionStream('gzip')), new DecompressionStream('gzip').readable instanceof ReadableStream]`,
  },
  {
    name: 'Blob and File slice, read and report their types',
    body: `
      const blob = new Blob(['héllo', new Uint8Array([33])], { type: 'Text/Plain' })
      const file = new File([blob], 'name.txt', { lastModified: 42 })
      return [blob.size, blob.type, await blob.slice(1, 4).text(), await blob.slice(-2).text(), await blob.slice(2, 1).text(),
        file.name, file.size, file.type, file.lastModified, file instanceof Blob, Object.prototype.toString.call(file),
        Array.from(new Uint8Array(await file.arrayBuffer())).length, new Blob([], { type: 'ü' }).type]`,
  },
  {
    name: 'DOMException and Event behave like the standard',
    body: `
      const error = new DOMException('nope', 'NotFoundError')
      const target = new EventTarget()
      const got = []
      target.addEventListener('ping', (event) => got.push([event.type, event instanceof Event]), { once: true })
      target.dispatchEvent(new Event('ping'))
      target.dispatchEvent(new Event('ping'))
      return [error.name, error.message, error.code, error instanceof Error, got]`,
  },
]
