import type { Serializable } from 'node:child_process'

/** See ./json-wire.js: a value made fit for Node's JSON IPC channel (bytes and bigints tagged). */
export function toWire(value: unknown): Serializable
/** The value `toWire` was given, as JSON brought it across. */
export function fromWire(value: unknown): unknown
