/**
 * Loads the isolate engine, isolated-vm, in whichever build installed on this Node.
 *
 * isolated-vm 5.0.4 builds from source on Node 20 and 22 but not on 24; 6.x ships prebuilt
 * binaries for Node 22 and 24 but does not build on 20. package.json installs both as
 * optional aliases (`isolated-vm-v6`, `isolated-vm-v5`) and this module takes the first that
 * loads. Both need `--no-node-snapshot` on Node >= 20 (isolated-vm issue 424); the npm
 * scripts set it through NODE_OPTIONS.
 *
 * Nothing here may hand the module itself to learner code: only the runtime imports it.
 */
import { createRequire } from 'node:module'
import { setFlagsFromString } from 'node:v8'
import type IsolatedVm from 'isolated-vm'

const require = createRequire(import.meta.url)

function loadEngine(): typeof IsolatedVm {
  const failures: string[] = []
  for (const name of ['isolated-vm-v6', 'isolated-vm-v5']) {
    try {
      return require(name) as typeof IsolatedVm
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  throw new Error(
    `No isolate engine could be loaded on Node ${process.versions.node}. ` +
      `Run "npm install" again; isolated-vm needs g++, make and python3 on Node 20/22. ` +
      `Details: ${failures.join('; ')}`,
  )
}

if (!process.execArgv.includes('--no-node-snapshot') && !process.env.NODE_OPTIONS?.includes('--no-node-snapshot')) {
  throw new Error('The sandbox needs Node started with --no-node-snapshot (the npm scripts set NODE_OPTIONS).')
}

export const ivm = loadEngine()

// Every isolate's context gets V8's `gc()`: the prelude takes it for the Intl budget and
// overwrites it on the global object before learner code runs (prelude/intl-budget.ts).
setFlagsFromString('--expose-gc')
export type { IsolatedVm }
