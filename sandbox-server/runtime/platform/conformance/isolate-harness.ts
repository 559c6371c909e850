/**
 * Host-side helpers for the platform's tests: bundle an in-isolate entry the way the prelude
 * is bundled, start a real isolated-vm isolate with the platform bridge installed, and call
 * into it with plain data only.
 *
 * Test-only; the runtime has its own sandbox. Every isolate made here is disposed by `dispose`.
 */
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type BuildOptions } from 'esbuild'
import { ivm } from '../../isolated-vm.ts'
import type { UncaughtErrorReport } from '../contract.ts'
import { installPlatform } from '../install.ts'
import type { PlatformBridgeOptions } from '../host.ts'

/** The prelude's bundle options (esbuild, iife, platform neutral), so the tests bundle the same way. */
const ISOLATE_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['browser', 'module', 'main'],
  write: false,
  minify: true,
  logLevel: 'silent',
}

/** Bundles an in-isolate entry (a path relative to this folder) into one script. */
export async function bundleForIsolate(entry: string): Promise<string> {
  const result = await build({ ...ISOLATE_BUNDLE_OPTIONS, entryPoints: [fileURLToPath(new URL(entry, import.meta.url))] })
  return result.outputFiles![0].text
}

/** Bundles globals.ts alone and reports its size and the modules that went in. */
export async function measurePlatformBundle(): Promise<{ minifiedBytes: number; gzippedBytes: number; inputs: string[] }> {
  const result = await build({
    ...ISOLATE_BUNDLE_OPTIONS,
    entryPoints: [fileURLToPath(new URL('../globals.ts', import.meta.url))],
    metafile: true,
  })
  const bytes = result.outputFiles![0].contents
  return { minifiedBytes: bytes.byteLength, gzippedBytes: gzipSync(bytes).byteLength, inputs: Object.keys(result.metafile!.inputs) }
}

export interface TestIsolate {
  /** Runs an async function body inside the isolate and copies its (plain) result out. */
  evaluate<T>(body: string): Promise<T>
  /** Errors the isolate reported through `reportError`. */
  reports: UncaughtErrorReport[]
  dispose(): void
}

export async function startTestIsolate(source: string, options: PlatformBridgeOptions = {}): Promise<TestIsolate> {
  const isolate = new ivm.Isolate({ memoryLimit: 128 })
  const stop = new AbortController()
  const reports: UncaughtErrorReport[] = []
  const context = await isolate.createContext()
  await installPlatform(context, { signal: stop.signal, onUncaughtError: (report) => reports.push(report), ...options })
  await context.eval(source, { filename: 'platform-test-bundle.js' })

  return {
    reports,
    async evaluate<T>(body: string) {
      return (await context.eval(`(async () => { ${body} })()`, { promise: true, copy: true })) as T
    },
    dispose() {
      stop.abort()
      if (!isolate.isDisposed) isolate.dispose()
    },
  }
}
