/**
 * The modules learner code may import, in one list shared by the compiler (which refuses
 * anything else) and the prelude bundle (which carries exactly these into the isolate), and the
 * reason each well-known module that is not here cannot be: the compiler says it to the learner.
 */
export const SANDBOX_MODULE = 'sandbox'
/** `test`, `describe` and Vitest's `expect`, for exercises where the learner writes the tests. */
export const TEST_MODULE = 'sandbox/test'

/** hono subpaths that work in the isolate as they do on Node. */
const HONO_SUBPATHS = [
  'accepts',
  'basic-auth',
  'bearer-auth',
  'body-limit',
  'client',
  'combine',
  'compress',
  'conninfo',
  'cookie',
  'cors',
  'css',
  'csrf',
  'etag',
  'factory',
  'html',
  'http-exception',
  'ip-restriction',
  'jsx',
  'jsx/jsx-dev-runtime',
  'jsx/jsx-runtime',
  'jsx/streaming',
  'jsx-renderer',
  'jwt',
  'language',
  'logger',
  'method-not-allowed',
  'method-override',
  'powered-by',
  'pretty-json',
  'quick',
  'request-id',
  'router/linear-router',
  'router/pattern-router',
  'router/reg-exp-router',
  'router/smart-router',
  'router/trie-router',
  'secure-headers',
  'streaming',
  'testing',
  'timeout',
  'timing',
  'tiny',
  'trailing-slash',
  'validator',
]

/**
 * Modules the sandbox provides itself, in the place of the real one, by file in
 * runtime/prelude/ (`hono/adapter` is not here: the compiler writes it per exercise, see compile.ts).
 */
export const SHIMMED_MODULES: Readonly<Record<string, string>> = {
  '@hono/node-server/conninfo': './conninfo.ts',
}

/**
 * Libraries too big to carry in every isolate (TypeBox is 40% of the prelude's source): each is a
 * script of its own, evaluated only in isolates whose learner imports one of its modules.
 */
export const SEPARATE_LIBRARIES: Readonly<Record<string, readonly string[]>> = {
  typebox: ['@sinclair/typebox', '@sinclair/typebox/value', '@sinclair/typebox/compiler'],
}

/** The separate library a module belongs to, if any. */
export function separateLibraryOf(module: string): string | undefined {
  return Object.keys(SEPARATE_LIBRARIES).find((name) => SEPARATE_LIBRARIES[name]!.includes(module))
}

export const ALLOWED_MODULES: readonly string[] = [
  'hono',
  ...HONO_SUBPATHS.map((path) => `hono/${path}`),
  '@sinclair/typebox',
  '@sinclair/typebox/value',
  '@sinclair/typebox/compiler',
  ...Object.keys(SHIMMED_MODULES),
  SANDBOX_MODULE,
  TEST_MODULE,
]

/** The module the compiler writes for each exercise: `env(c)` answers the exercise's environment. */
export const ADAPTER_MODULE = 'hono/adapter'

const RUNTIME_ADAPTER = 'is the adapter for another runtime: here the sandbox serves your app, so end with `export default app`'

/** Why a module learners might reach for is not available, by name (exact, or a prefix ending in "/"). */
const REFUSED_BECAUSE: Readonly<Record<string, string>> = {
  'hono/context-storage':
    "needs Node's AsyncLocalStorage, which a V8 isolate does not have: pass `c` (or the value you need) to the functions that use it",
  'hono/cache': "uses the Cache API of Cloudflare Workers and Deno, which does not exist here: use the sandbox's `cache` instead",
  'hono/serve-static': 'reads files from disk, and the sandbox has no file system: answer with c.text(), c.html() or c.json()',
  'hono/ssg': 'writes files to disk, and the sandbox has no file system',
  'hono/ws': 'WebSockets need a long-lived connection, which live URLs do not keep',
  'hono/proxy': 'sends requests to other servers, and the sandbox has no network',
  'hono/jwk': 'fetches keys from a URL, and the sandbox has no network: use hono/jwt with a secret or a key',
  'hono/jsx/dom': 'renders in the browser, and your app runs on the server: use hono/jsx (it renders to HTML)',
  'hono/jsx/dom/': 'renders in the browser, and your app runs on the server: use hono/jsx (it renders to HTML)',
  'hono/dev': 'inspects routes for tooling; not available in the sandbox',
  'hono/cloudflare-workers': RUNTIME_ADAPTER,
  'hono/cloudflare-pages': RUNTIME_ADAPTER,
  'hono/deno': RUNTIME_ADAPTER,
  'hono/bun': RUNTIME_ADAPTER,
  'hono/aws-lambda': RUNTIME_ADAPTER,
  'hono/vercel': RUNTIME_ADAPTER,
  'hono/netlify': RUNTIME_ADAPTER,
  'hono/lambda-edge': RUNTIME_ADAPTER,
  'hono/service-worker': RUNTIME_ADAPTER,
  '@hono/node-server': 'starts a Node server, and the sandbox serves your app itself: end with `export default app` instead of serve()',
  'node:': 'is a Node built-in: learner code runs on the web platform (Request, Response, fetch-style APIs), as on Cloudflare Workers',
  fs: 'is a Node built-in and the sandbox has no file system: keep data in `db` from "sandbox"',
  path: 'is a Node built-in: build paths with template strings or URL',
  crypto: 'is a Node built-in: use the web\'s `crypto` (crypto.randomUUID(), crypto.subtle) or `crypto` from "sandbox"',
  child_process: 'is a Node built-in: the sandbox runs no other programs',
  http: 'is a Node built-in: the sandbox serves your app itself, so end with `export default app`',
}

/** Why `name` cannot be imported, when it is a module the sandbox knows and refuses on purpose. */
export function refusalReason(name: string): string | undefined {
  if (Object.hasOwn(REFUSED_BECAUSE, name)) return REFUSED_BECAUSE[name]
  for (const [prefix, reason] of Object.entries(REFUSED_BECAUSE))
    if (prefix.endsWith(':') || prefix.endsWith('/')) if (name.startsWith(prefix)) return reason
  if (name.startsWith('hono/router'))
    return 'is not a router you can import: use hono/router/reg-exp-router, trie-router, linear-router, pattern-router or smart-router'
  return undefined
}
