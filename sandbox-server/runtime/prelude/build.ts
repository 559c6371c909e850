/**
 * Builds the prelude once per process: the web platform, Hono and its middleware, TypeBox and
 * the `sandbox` module in one script, compiled by V8 once and reused through its code cache,
 * so a new isolate never re-parses Hono.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { ALLOWED_MODULES, SANDBOX_MODULE } from '../modules.ts'

const preludeDir = fileURLToPath(new URL('.', import.meta.url))

/**
 * The generated entry: entry.ts first (it installs the platform), then one loader per library.
 * A `require` inside a function makes esbuild keep that module unevaluated until it is called,
 * so an isolate only spends time and heap on the libraries its learner imports.
 */
function entrySource(): string {
  const libraries = ALLOWED_MODULES.filter((name) => name !== SANDBOX_MODULE)
  return [
    `import { installModules } from './entry.ts'`,
    `installModules({`,
    ...libraries.map((name) => `  ${JSON.stringify(name)}: () => require(${JSON.stringify(name)}),`),
    `})`,
  ].join('\n')
}

let prelude: Promise<string> | undefined

/** The prelude's source, built on first use (~1 s) and kept for the life of the process. */
export function buildPrelude(): Promise<string> {
  prelude ??= build({
    stdin: { contents: entrySource(), resolveDir: preludeDir, sourcefile: 'sandbox-prelude.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['worker', 'browser', 'import'],
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text)
  return prelude
}
