/**
 * The modules learner code may import, in one list shared by the compiler (which refuses
 * anything else) and the prelude bundle (which carries exactly these into the isolate).
 */
export const SANDBOX_MODULE = 'sandbox'
/** `test`, `describe` and Vitest's `expect`, for exercises where the learner writes the tests. */
export const TEST_MODULE = 'sandbox/test'

/** hono subpaths that make sense for a server in the sandbox (no runtime adapters, no JSX). */
const HONO_SUBPATHS = [
  'accepts',
  'basic-auth',
  'bearer-auth',
  'body-limit',
  'combine',
  'cookie',
  'cors',
  'csrf',
  'etag',
  'factory',
  'html',
  'http-exception',
  'jwt',
  'language',
  'logger',
  'method-override',
  'powered-by',
  'pretty-json',
  'request-id',
  'secure-headers',
  'streaming',
  'timeout',
  'timing',
  'trailing-slash',
  'validator',
]

export const ALLOWED_MODULES: readonly string[] = [
  'hono',
  ...HONO_SUBPATHS.map((path) => `hono/${path}`),
  '@sinclair/typebox',
  '@sinclair/typebox/value',
  '@sinclair/typebox/compiler',
  SANDBOX_MODULE,
  TEST_MODULE,
]
