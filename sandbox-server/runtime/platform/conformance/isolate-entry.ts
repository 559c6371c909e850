/**
 * The in-isolate entry of the conformance suite: installs the web platform, loads the
 * conformance apps and exposes `__handle(appName, plainRequest)` for the host to call.
 *
 * Test-only. It stands in for the runtime's prelude and must stay as thin as that: the
 * platform, the apps and the exchange helpers, nothing that would hide a platform gap.
 */
import '../globals.ts'
import { requestFromPlain, responseToPlain, type ConformanceRequest, type ConformanceResponse } from '../exchange.ts'
import type { Response } from '../response.ts'
import { conformanceApps, type ConformanceAppName } from './apps.ts'

// Hono's default error handler logs with console.error; the runtime installs a real console.
const logged: string[] = []
const record = (...args: unknown[]) => void logged.push(args.map(String).join(' '))
Object.defineProperty(globalThis, 'console', {
  value: { log: record, info: record, warn: record, error: record, debug: record },
  writable: true,
  configurable: true,
})

Object.assign(globalThis, {
  __handle: async (appName: ConformanceAppName, plain: ConformanceRequest): Promise<ConformanceResponse> => {
    const response = await conformanceApps[appName].fetch(requestFromPlain(plain) as never)
    return responseToPlain(response as unknown as Response)
  },
  __logged: logged,
})
