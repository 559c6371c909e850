#!/usr/bin/env node
/**
 * `backend-sandbox-grade`: the grader CLI as a package bin (e.g. `npx backend-sandbox-grade`).
 * isolated-vm needs V8 started with --no-node-snapshot, which cannot be turned on once a
 * process runs, so without it this re-runs Node with the flag and tsx's loader and passes on
 * the arguments, the exit code and termination signals. Plain JavaScript: it runs before tsx.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const entry = new URL('./main.ts', import.meta.url)
const hasFlag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--no-node-snapshot')

if (hasFlag) {
  // Already snapshot-free: load tsx here rather than pay for a second process.
  const { register } = await import('tsx/esm/api')
  register()
  await import(entry.href)
} else {
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', '--import', import.meta.resolve('tsx'), fileURLToPath(entry), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  )
  // A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, () => child.kill(signal))
  child.on('error', (error) => {
    process.stderr.write(`Could not start the grader: ${error.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
    } else process.exit(code ?? 1)
  })
}
