/**
 * Builds the prelude once per process: the web platform, Hono and its middleware, TypeBox and
 * the `sandbox` module in one script, compiled by V8 once and reused through its code cache,
 * so a new isolate never re-parses Hono.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { ALLOWED_MODULES, SANDBOX_MODULE, SEPARATE_LIBRARIES, SHIMMED_MODULES, TEST_MODULE, separateLibraryOf } from '../modules.ts'

const preludeDir = fileURLToPath(new URL('.', import.meta.url))

/**
 * The generated entry: entry.ts first (it installs the platform), then one loader per library.
 * A `require` inside a function makes esbuild keep that module unevaluated until it is called,
 * so an isolate only spends time and heap on the libraries its learner imports.
 */
function entrySource(): string {
  const libraries = ALLOWED_MODULES.filter((name) => name !== SANDBOX_MODULE && name !== TEST_MODULE && !separateLibraryOf(name))
  return [
    `import { installModules } from './entry.ts'`,
    `installModules({`,
    // A shimmed module is the sandbox's own file in this folder, in the place of the package.
    ...libraries.map((name) => `  ${JSON.stringify(name)}: () => require(${JSON.stringify(SHIMMED_MODULES[name] ?? name)}),`),
    `})`,
  ].join('\n')
}

/** One minified script for the isolate from `contents`, resolved from this folder. */
async function bundle(contents: string, format: 'iife' | 'cjs'): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: preludeDir, sourcefile: 'sandbox-prelude.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format,
    platform: 'neutral',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['worker', 'browser', 'import'],
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

let prelude: Promise<string> | undefined

/** The prelude's source, built on first use (~1 s) and kept for the life of the process. */
export function buildPrelude(): Promise<string> {
  prelude ??= bundle(entrySource(), 'iife')
  return prelude
}

let testLibrary: Promise<string> | undefined
const libraries = new Map<string, Promise<string>>()

/** What every worker's isolates load, built once by the supervisor. */
export interface PreludeBundles {
  prelude: string
  testLibrary: string
  /** Each of SEPARATE_LIBRARIES by name. */
  libraries: Record<string, string>
}

/** Every bundle, built (or taken from the last build) for handing to a worker process. */
export async function buildBundles(): Promise<PreludeBundles> {
  const names = Object.keys(SEPARATE_LIBRARIES)
  const built = await Promise.all(names.map(buildLibrary))
  return {
    prelude: await buildPrelude(),
    testLibrary: await buildTestLibrary(),
    libraries: Object.fromEntries(names.map((name, index) => [name, built[index]!])),
  }
}

/**
 * Uses bundles another process built (a worker gets them from its supervisor), so that
 * esbuild bundles them once per server rather than once per process.
 */
export function usePrebuilt(bundles: PreludeBundles): void {
  prelude = Promise.resolve(bundles.prelude)
  testLibrary = Promise.resolve(bundles.testLibrary)
  for (const [name, code] of Object.entries(bundles.libraries)) libraries.set(name, Promise.resolve(code))
}

/** A CommonJS bundle as a script whose value is a function that evaluates it and returns its exports. */
const evaluatedOnCall = (code: string) => `(function () { var module = { exports: {} }, exports = module.exports;\n${code}\nreturn module.exports })`

/**
 * The `sandbox/test` library (test-library.ts) as a script whose value is a function that
 * evaluates the library and returns its exports: the prelude calls it on the first import.
 */
export function buildTestLibrary(): Promise<string> {
  testLibrary ??= bundle(`export * from './test-library.ts'`, 'cjs').then(evaluatedOnCall)
  return testLibrary
}

/**
 * One of SEPARATE_LIBRARIES as a script like the test library's: its function returns each of
 * the library's modules by name.
 */
export function buildLibrary(name: string): Promise<string> {
  const modules = SEPARATE_LIBRARIES[name]
  if (!modules) throw new Error(`No separate library is named ${name}`)
  let built = libraries.get(name)
  if (!built) {
    const source = [
      ...modules.map((module, index) => `import * as m${index} from ${JSON.stringify(module)}`),
      `export const modules = { ${modules.map((module, index) => `${JSON.stringify(module)}: m${index}`).join(', ')} }`,
    ].join('\n')
    built = bundle(source, 'cjs').then(evaluatedOnCall)
    libraries.set(name, built)
  }
  return built
}
