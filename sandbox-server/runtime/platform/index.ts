/**
 * The isolate's web platform, host side: what the runtime imports to build and feed an
 * isolate. The in-isolate half is `globals.ts`, bundled into the prelude by path (see
 * `PLATFORM_PRELUDE_ENTRY`); the prelude's entry (`runtime/prelude/entry.ts`) turns the host's
 * plain request into a Request and the app's Response back into plain data: the one
 * request/response contract, which the conformance suite's Hono apps go through too.
 */
import { fileURLToPath } from 'node:url'

export { createPlatformBridge, type PlatformBridgeOptions } from './host.ts'
export { installPlatform, installPlatformHost } from './install.ts'
export {
  PLATFORM_HOST_GLOBAL,
  PLATFORM_HOST_MODES,
  type HostFunctionMode,
  type PlatformHost,
  type SleepOutcome,
  type UncaughtErrorReport,
} from './contract.ts'

/** The module to bundle first into the isolate's prelude: importing it installs the web platform. */
export const PLATFORM_PRELUDE_ENTRY = fileURLToPath(new URL('./globals.ts', import.meta.url))
