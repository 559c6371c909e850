/**
 * Types for event-target-shim 6, whose package `exports` hide its own index.d.ts from
 * TypeScript's bundler resolution. Only what the platform uses, typed as the DOM's classes
 * (which the shim implements).
 */
declare module 'event-target-shim' {
  export const Event: typeof globalThis.Event
  export type Event = globalThis.Event
  export const EventTarget: typeof globalThis.EventTarget
  export type EventTarget = globalThis.EventTarget
  /** Adds the `on<type>` attribute (e.g. `onabort`) to a prototype. */
  export function defineEventAttribute(prototype: object, type: string): void
  /** Where errors thrown by listeners go (instead of console.error). */
  export function setErrorHandler(handler: ((error: Error) => void) | undefined): void
  /** Where misuse warnings go (instead of console.warn). */
  export function setWarningHandler(handler: ((warning: unknown) => void) | undefined): void
}
