/**
 * The in-isolate entry of the platform probes: installs the web platform and a console that
 * records what it is given, nothing else, so a probe sees the platform as learner code would
 * and nothing hides a platform gap. Test-only; the Hono apps go through the real prelude
 * (platform.test.ts loads them into a Sandbox).
 */
import '../globals.ts'

// The runtime installs a real console; the probes only need one that exists.
const logged: string[] = []
const record = (...args: unknown[]) => void logged.push(args.map(String).join(' '))
Object.defineProperty(globalThis, 'console', {
  value: { log: record, info: record, warn: record, error: record, debug: record },
  writable: true,
  configurable: true,
})

Object.assign(globalThis, { __logged: logged })
