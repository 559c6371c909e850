/**
 * FormData for the isolate, as the XMLHttpRequest Standard describes it: an ordered list of
 * entries whose values are strings or Files (a Blob becomes a File named "blob").
 *
 * Why our own: see blob.ts (formdata-node resolves to an empty browser entry in our prelude
 * build). There is no HTML form here, so the constructor takes no arguments.
 */
import { Blob, File } from './blob.ts'

export type FormDataEntryValue = string | File

function toEntryValue(value: unknown, filename: string | undefined, method: string, argumentCount: number): FormDataEntryValue {
  if (value instanceof Blob) {
    const name = filename !== undefined ? String(filename) : value instanceof File ? value.name : 'blob'
    if (value instanceof File && filename === undefined) return value
    const lastModified = value instanceof File ? value.lastModified : undefined
    return new File([value], name, { type: value.type, lastModified })
  }
  if (argumentCount > 2) {
    throw new TypeError(`Failed to execute '${method}' on 'FormData': parameter 2 is not of type 'Blob'.`)
  }
  return String(value)
}

export class FormData {
  #entries: [string, FormDataEntryValue][] = []

  constructor(form?: unknown) {
    if (form !== undefined) throw new TypeError("Failed to construct 'FormData': there are no HTML forms in the sandbox.")
  }

  append(name: string, value: string | Blob, filename?: string): void {
    this.#entries.push([String(name), toEntryValue(value, filename, 'append', arguments.length)])
  }

  set(name: string, value: string | Blob, filename?: string): void {
    const key = String(name)
    const entry: [string, FormDataEntryValue] = [key, toEntryValue(value, filename, 'set', arguments.length)]
    const first = this.#entries.findIndex(([n]) => n === key)
    if (first === -1) {
      this.#entries.push(entry)
      return
    }
    this.#entries = this.#entries.filter(([n], index) => n !== key || index === first)
    this.#entries[first] = entry
  }

  delete(name: string): void {
    const key = String(name)
    this.#entries = this.#entries.filter(([n]) => n !== key)
  }

  get(name: string): FormDataEntryValue | null {
    const key = String(name)
    return this.#entries.find(([n]) => n === key)?.[1] ?? null
  }

  getAll(name: string): FormDataEntryValue[] {
    const key = String(name)
    return this.#entries.filter(([n]) => n === key).map(([, value]) => value)
  }

  has(name: string): boolean {
    const key = String(name)
    return this.#entries.some(([n]) => n === key)
  }

  forEach(callback: (value: FormDataEntryValue, name: string, parent: FormData) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this)
  }

  *entries(): IterableIterator<[string, FormDataEntryValue]> {
    // Index by index, so entries appended while iterating are seen, as in browsers.
    for (let index = 0; index < this.#entries.length; index++) {
      const [name, value] = this.#entries[index]
      yield [name, value]
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name
  }

  *values(): IterableIterator<FormDataEntryValue> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator](): IterableIterator<[string, FormDataEntryValue]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'FormData'
  }
}
