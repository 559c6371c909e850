/**
 * The isolate's web platform. Bundled (esbuild, iife, platform neutral) into the prelude that
 * runs before any learner code; importing it installs on globalThis what a bare V8 context
 * lacks and Hono needs: URL, URLSearchParams, TextEncoder/TextDecoder, Headers, Request,
 * Response, web streams, CompressionStream/DecompressionStream, Blob, File, FormData, atob/btoa, structuredClone, queueMicrotask,
 * DOMException, Event/EventTarget, AbortController/AbortSignal, timers and `crypto`.
 *
 * The host's functions arrive as `globalThis.__platformHost` (see contract.ts). They are read
 * once, kept in this closure and the global is deleted: learner code must never reach a host
 * function by name. Nothing here may keep a host object in any place learner code can read.
 */
import './standard-polyfills.ts'
import * as streams from 'web-streams-polyfill'
import { Event, EventTarget, setErrorHandler, setWarningHandler } from 'event-target-shim'
import { AbortController, AbortSignal } from './abort.ts'
import { Blob, File } from './blob.ts'
import { CompressionStream, DecompressionStream } from './compression.ts'
import { PLATFORM_HOST_GLOBAL, PLATFORM_HOST_MODES, type PlatformHost, type UncaughtErrorReport } from './contract.ts'
import { FormData } from './form-data.ts'
import { Headers } from './headers.ts'
import { Request } from './request.ts'
import { Response } from './response.ts'
import { TextDecoder, TextDecoderStream, TextEncoder, TextEncoderStream } from './text-encoding.ts'
import { clearInterval, clearTimeout, connectTimers, setInterval, setTimeout } from './timers.ts'
import { connectCrypto, Crypto, crypto, CryptoKey, SubtleCrypto } from './web-crypto.ts'

const HOST_FUNCTIONS = Object.keys(PLATFORM_HOST_MODES) as (keyof PlatformHost)[]

/** Reads the host's functions once and removes them from the global object. */
function takePlatformHost(): PlatformHost {
  const global = globalThis as unknown as Record<string, unknown>
  const given = global[PLATFORM_HOST_GLOBAL] as Record<string, unknown> | undefined
  delete global[PLATFORM_HOST_GLOBAL]
  if (!given || HOST_FUNCTIONS.some((name) => typeof given[name] !== 'function')) {
    throw new Error(`The platform prelude needs globalThis.${PLATFORM_HOST_GLOBAL} with ${HOST_FUNCTIONS.join(', ')}.`)
  }
  // Called bare, never as methods: no receiver is ever copied to the host.
  const fn = (name: keyof PlatformHost) => given[name] as (...args: unknown[]) => unknown
  const randomBytes = fn('randomBytes')
  const subtle = fn('subtle')
  const sleep = fn('sleep')
  const cancelSleep = fn('cancelSleep')
  const reportError = fn('reportError')
  return {
    randomBytes: (length) => randomBytes(length) as Uint8Array,
    subtle: (request) => subtle(request) as ReturnType<PlatformHost['subtle']>,

    sleep: (timerId, ms) => sleep(timerId, ms) as ReturnType<PlatformHost['sleep']>,
    cancelSleep: (timerId) => void cancelSleep(timerId),
    reportError: (report) => void reportError(report),
  }
}

const host = takePlatformHost()

function report(source: UncaughtErrorReport['source'], error: unknown): void {
  let message: string
  let stack: string | undefined
  try {
    if (error instanceof Error) {
      message = `${error.name}: ${error.message}`
      stack = typeof error.stack === 'string' ? error.stack : undefined
    } else {
      message = String(error)
    }
  } catch {
    message = 'A value was thrown that cannot be shown as text.'
  }
  try {
    host.reportError({ source, message, stack })
  } catch {
    // Reporting is best effort; a failing report must not become a second error.
  }
}

/** queueMicrotask on the isolate's own promise jobs; a throwing callback is reported, not lost. */
function queueMicrotask(callback: () => void): void {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function.')
  Promise.resolve().then(() => {
    try {
      callback()
    } catch (error) {
      report('microtask', error)
    }
  })
}

connectTimers(host, report)
connectCrypto(host)
setErrorHandler((error) => report('event-listener', error))
// event-target-shim's misuse warnings would go to console.warn; the platform stays silent.
setWarningHandler(() => {})

const installed: Record<string, unknown> = {
  TextEncoder,
  TextDecoder,
  TextEncoderStream,
  TextDecoderStream,
  CompressionStream,
  DecompressionStream,
  Headers,
  Request,
  Response,
  ReadableStream: streams.ReadableStream,
  ReadableStreamDefaultReader: streams.ReadableStreamDefaultReader,
  ReadableStreamBYOBReader: streams.ReadableStreamBYOBReader,
  ReadableStreamDefaultController: streams.ReadableStreamDefaultController,
  ReadableByteStreamController: streams.ReadableByteStreamController,
  ReadableStreamBYOBRequest: streams.ReadableStreamBYOBRequest,
  WritableStream: streams.WritableStream,
  WritableStreamDefaultWriter: streams.WritableStreamDefaultWriter,
  WritableStreamDefaultController: streams.WritableStreamDefaultController,
  TransformStream: streams.TransformStream,
  TransformStreamDefaultController: streams.TransformStreamDefaultController,
  ByteLengthQueuingStrategy: streams.ByteLengthQueuingStrategy,
  CountQueuingStrategy: streams.CountQueuingStrategy,
  Blob,
  File,
  FormData,
  Event,
  EventTarget,
  AbortController,
  AbortSignal,
  queueMicrotask,
  setTimeout,
  clearTimeout,
  setInterval,
  clearInterval,
  crypto,
  Crypto,
  CryptoKey,
  SubtleCrypto,
}

// Like the built-ins: writable and configurable, but not enumerable.
for (const [name, value] of Object.entries(installed)) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false })
}
