/**
 * Turns a learner's TypeScript module into CommonJS the isolate can run, with esbuild.
 * Imports are resolved against the allow-list only: anything else (`fs`, `node:child_process`,
 * a relative file) is a compile error that names what is allowed. Nothing is read from disk.
 *
 * In a test-writing exercise the learner's file is `app.test.ts` and it imports the app under
 * test as `./app`, whose source the exercise gives (the real app, or a mutant of it). The
 * bundle then serves that app, so the request console explores it, and carries the tests.
 */
import { build, stop, type BuildOptions, type BuildResult, type Loader, type Message } from 'esbuild'
import { ADAPTER_MODULE, ALLOWED_MODULES, TEST_MODULE, refusalReason, separateLibraryOf } from './modules.ts'
import { CompileError, type Diagnostic } from './errors.ts'

export const LEARNER_FILENAME = 'app.ts'
export const TEST_FILENAME = 'app.test.ts'
/** Learner sources larger than this are refused before esbuild sees them. */
export const MAX_SOURCE_BYTES = 200 * 1024

const allowed = new Set(ALLOWED_MODULES)

/** esbuild's wording where it talks about its own output rather than the learner's code. */
function learnerText(text: string): string {
  if (text.startsWith('Top-level await is currently not supported')) {
    return 'await only works inside a function here: move it into your route handler (async (c) => { ... })'
  }
  return text
}

function toDiagnostic(message: Message): Diagnostic {
  return {
    message: learnerText(message.text),
    line: message.location?.line ?? 1,
    column: (message.location?.column ?? 0) + 1,
    lineText: message.location?.lineText,
  }
}

/**
 * Compiles a learner module to a CommonJS function body (uses `require`, `module`, `exports`)
 * and its source map. Throws CompileError with line/column diagnostics.
 *
 * @example
 * const { code } = await compileLearnerModule("import { Hono } from 'hono'\nexport default new Hono()")
 */
export interface CompiledModule {
  /** CommonJS, run as the body of `function (require, module, exports)`. */
  code: string
  /** Source map from `code` back to the learner's app.ts (and app.test.ts), for readable stack traces. */
  map: string
  /** Whether the module imports `sandbox/test`: the sandbox then loads the test library. */
  usesTests: boolean
  /** The SEPARATE_LIBRARIES (modules.ts) it imports from: the sandbox loads each before it. */
  libraries: string[]
}

export interface CompileOptions {
  /** The app under test, for a learner file of tests: `./app` in that file resolves to this source. */
  appUnderTest?: string
  /** What `env(c)` from hono/adapter answers: the exercise's declared environment. Default: none. */
  env?: Readonly<Record<string, string>>
}

/** The line of the first error of a failed parse, to tell which language got further. */
function firstErrorLine(error: unknown): number {
  return (error as { errors?: Message[] }).errors?.[0]?.location?.line ?? 0
}

/**
 * The language a learner file is written in: TypeScript, or TSX when it holds JSX (Hono's docs
 * write their JSX apps as `.tsx` files). A file that parses as TypeScript is TypeScript; one that
 * parses only as TSX is TSX; when neither parses, the one that got further is what the learner
 * meant, so its errors are the ones they see (on the same line, TSX's).
 *
 * @example
 * await learnerLanguage('export default () => <h1>Hello</h1>') // 'tsx'
 */
export async function learnerLanguage(source: string): Promise<'ts' | 'tsx'> {
  if (!source.includes('<')) return 'ts'
  const asTs = await parseError(source, 'ts')
  if (asTs === undefined) return 'ts'
  const asTsx = await parseError(source, 'tsx')
  if (asTsx === undefined) return 'tsx'
  // On the same line, TSX: a JSX mistake reads as JSX ("closing tag does not match"), not as
  // TypeScript's "unterminated regular expression", and plain syntax errors read the same in both.
  return firstErrorLine(asTsx) >= firstErrorLine(asTs) ? 'tsx' : 'ts'
}

/** Why `source` does not compile as `loader` alone (no imports followed), or undefined when it does; under the compile deadline. */
async function parseError(source: string, loader: 'ts' | 'tsx'): Promise<unknown> {
  try {
    await buildGuarded({ stdin: { contents: source, loader }, write: false, bundle: false, logLevel: 'silent', jsx: 'automatic' })
    return undefined
  } catch (error) {
    if (error instanceof CompileError) throw error
    return error
  }
}

/** The hono/adapter the compiler writes for an exercise: env(c) answers its environment, never a `process`. */
function adapterModule(env: Readonly<Record<string, string>>): string {
  return [
    `const environment = ${JSON.stringify(env)}`,
    `export const knownUserAgents = { deno: 'Deno', bun: 'Bun', workerd: 'Cloudflare-Workers', node: 'Node.js' }`,
    `export const getRuntimeKey = () => 'node'`,
    `export const checkUserAgentEquals = (platform: string) => platform === 'Node.js'`,
    `/** The exercise's environment (a copy), as process.env would be on Node. */`,
    `export const env = <T extends Record<string, unknown> = Record<string, string>>(_c?: unknown, _runtime?: string): T => ({ ...environment }) as unknown as T`,
  ].join('\n')
}

/** What the learner may import, for a compile error. */
function allowedText(testing: boolean): string {
  const hono = ALLOWED_MODULES.filter((name) => name.startsWith('hono/')).length
  return (
    `You can import: hono, hono/<helper or middleware> (${hono} of them, e.g. hono/cors, hono/jsx), hono/adapter, ` +
    `@hono/node-server/conninfo, @sinclair/typebox, sandbox${testing ? ', sandbox/test and ./app (the app under test)' : ''}.`
  )
}

/** The entry of a test-writing exercise: serve the app under test, and run the learner's file for its tests. */
const TEST_ENTRY = `import app from './app'\nimport './app.test'\nexport default app\n`

export async function compileLearnerModule(source: string, { appUnderTest, env = {} }: CompileOptions = {}): Promise<CompiledModule> {
  if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) {
    throw new CompileError([{ message: `the file is larger than ${MAX_SOURCE_BYTES / 1024} KB`, line: 1, column: 1 }])
  }
  const files = new Map(
    appUnderTest === undefined
      ? []
      : [
          ['./app', appUnderTest],
          ['./app.ts', appUnderTest],
          ['./app.test', source],
        ],
  )
  let usesTests = false
  const libraries = new Set<string>()
  const language = await learnerLanguage(source)
  const appLanguage = appUnderTest === undefined ? language : await learnerLanguage(appUnderTest)
  const languages = new Map<string, Loader>([
    [TEST_FILENAME, language],
    [LEARNER_FILENAME, appLanguage],
  ])
  try {
    const result = await buildGuarded({
      stdin:
        appUnderTest === undefined
          ? { contents: source, loader: language, sourcefile: language === 'tsx' ? `${LEARNER_FILENAME}x` : LEARNER_FILENAME }
          : { contents: TEST_ENTRY, loader: 'ts', sourcefile: 'entry.ts' },
      // JSX as Hono's docs configure it (tsconfig "jsx": "react-jsx", "jsxImportSource": "hono/jsx").
      jsx: 'automatic',
      jsxImportSource: 'hono/jsx',
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2022',
      logLevel: 'silent',
      sourcemap: 'external',
      outfile: 'app.js',
      plugins: [
        {
          name: 'sandbox-imports',
          setup(builder) {
            builder.onResolve({ filter: /.*/ }, ({ path, kind }) => {
              if (kind === 'entry-point') return undefined
              if (files.has(path)) return { path: path === './app.test' ? TEST_FILENAME : LEARNER_FILENAME, namespace: 'exercise' }
              if (path === ADAPTER_MODULE) return { path: ADAPTER_MODULE, namespace: 'adapter' }
              if (allowed.has(path)) {
                if (path === TEST_MODULE) usesTests = true
                const library = separateLibraryOf(path)
                if (library) libraries.add(library)
                return { path, external: true }
              }
              const reason = refusalReason(path)
              return {
                errors: [
                  { text: `Cannot import "${path}" in the sandbox${reason ? `: it ${reason}` : ''}. ${allowedText(appUnderTest !== undefined)}` },
                ],
              }
            })
            builder.onLoad({ filter: /.*/, namespace: 'exercise' }, ({ path }) => ({
              contents: path === TEST_FILENAME ? source : appUnderTest,
              loader: languages.get(path),
            }))
            builder.onLoad({ filter: /.*/, namespace: 'adapter' }, () => ({ contents: adapterModule(env), loader: 'ts' }))
          },
        },
      ],
    })
    const file = (suffix: string) => result.outputFiles!.find((output) => output.path.endsWith(suffix))!.text
    const code = file('app.js')
    if (code.length > MAX_OUTPUT_BYTES) {
      // esbuild keeps the memory such a build took: start it afresh for the next compile.
      await stop()
      throw new CompileError([
        {
          message: `your code compiles to ${Math.round(code.length / 1024 / 1024)} MB (at most ${MAX_OUTPUT_BYTES / 1024 / 1024} MB): look for an enum or constant that doubles a string`,
          line: 1,
          column: 1,
        },
      ])
    }
    return { code, map: file('app.js.map'), usesTests, libraries: [...libraries] }
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors
    if (errors?.length) throw new CompileError(errors.map(toDiagnostic))
    throw error
  }
}

/** Largest compiled module; TypeScript enums are folded at compile time, so a few lines can double a string many times. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024
/** A compile that takes longer is stopped: esbuild is one shared process, and this one is running away. */
const COMPILE_DEADLINE_MS = 10_000
const SERVICE_GONE = /service (is no longer running|was stopped)/

/**
 * esbuild's build, kept usable for everyone: past the deadline its process is stopped (the
 * next build starts a new one) and the learner told why; a build that found the process gone
 * (stopped for someone else's runaway, or killed) is tried once more on a fresh one.
 */
async function buildGuarded(options: BuildOptions & { write: false }, retried = false): Promise<BuildResult<typeof options>> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      void stop()
      reject(
        new CompileError([
          {
            message: `your code took longer than ${COMPILE_DEADLINE_MS / 1000} s to compile: look for an enum or constant that doubles a string`,
            line: 1,
            column: 1,
          },
        ]),
      )
    }, COMPILE_DEADLINE_MS)
  })
  try {
    return await Promise.race([build(options), deadline])
  } catch (error) {
    if (!retried && !(error instanceof CompileError) && SERVICE_GONE.test(String((error as Error)?.message))) {
      await stop()
      return buildGuarded(options, true)
    }
    throw error
  } finally {
    clearTimeout(timer)
  }
}
