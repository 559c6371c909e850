/**
 * The web globals core-js does well (URL, URLSearchParams, atob, btoa, structuredClone), plus
 * a small DOMException of our own, installed on globalThis as a side effect of importing this
 * module.
 *
 * Start-up time matters: every new isolate runs this. Loading these core-js modules eagerly
 * cost ~20 ms per isolate (measured), so each group is installed as a lazy global that loads
 * its core-js module on first use (esbuild keeps a CommonJS module unevaluated until its
 * `require` runs). DOMException is ours because web-streams-polyfill reads it at load time.
 *
 * It must be imported before anything else of the platform. Only `web.*` modules belong here:
 * V8 in the isolate has the ECMAScript built-ins already.
 */
/** Legacy numeric codes of the DOMException names that have one. */
const LEGACY_CODES: Record<string, number> = {
  IndexSizeError: 1,
  HierarchyRequestError: 3,
  WrongDocumentError: 4,
  InvalidCharacterError: 5,
  NoModificationAllowedError: 7,
  NotFoundError: 8,
  NotSupportedError: 9,
  InvalidStateError: 11,
  SyntaxError: 12,
  InvalidModificationError: 13,
  NamespaceError: 14,
  InvalidAccessError: 15,
  TypeMismatchError: 17,
  SecurityError: 18,
  NetworkError: 19,
  AbortError: 20,
  URLMismatchError: 21,
  QuotaExceededError: 22,
  TimeoutError: 23,
  InvalidNodeTypeError: 24,
  DataCloneError: 25,
}

const DOMExceptionPolyfill = class DOMException extends Error {
  readonly code: number
  constructor(message = '', name = 'Error') {
    super(String(message))
    Object.defineProperty(this, 'name', { value: String(name), configurable: true, writable: true })
    this.code = LEGACY_CODES[String(name)] ?? 0
  }
  get [Symbol.toStringTag]() {
    return 'DOMException'
  }
}
for (const [name, code] of Object.entries(LEGACY_CODES)) {
  // e.g. DOMException.ABORT_ERR

  const constant =
    name
      .replace(/Error$/, '')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toUpperCase() + '_ERR'
  Object.defineProperty(DOMExceptionPolyfill, constant, { value: code, enumerable: true })
  Object.defineProperty(DOMExceptionPolyfill.prototype, constant, { value: code, enumerable: true })
}
Object.defineProperty(globalThis, 'DOMException', { value: DOMExceptionPolyfill, writable: true, configurable: true })

/** Defines `names` on globalThis as getters that run `load` once, on the first read of any. */
function lazyGlobals(names: string[], load: () => void) {
  const materialise = () => {
    for (const name of names) Reflect.deleteProperty(globalThis, name)
    load()
  }
  for (const name of names) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get() {
        materialise()
        return (globalThis as Record<string, unknown>)[name]
      },
      set(value) {
        Object.defineProperty(globalThis, name, { value, writable: true, configurable: true })
      },
    })
  }
}

lazyGlobals(['URL', 'URLSearchParams'], () => {
  require('core-js/modules/web.url.js')
  require('core-js/modules/web.url.can-parse.js')
  require('core-js/modules/web.url.parse.js')
  require('core-js/modules/web.url.to-json.js')
  require('core-js/modules/web.url-search-params.js')
  require('core-js/modules/web.url-search-params.delete.js')
  require('core-js/modules/web.url-search-params.has.js')
  require('core-js/modules/web.url-search-params.size.js')
})

lazyGlobals(['atob', 'btoa'], () => {
  require('core-js/modules/web.atob.js')
  require('core-js/modules/web.btoa.js')
})

let cloneWithCoreJs: ((value: unknown) => unknown) | undefined
function coreJsClone(value: unknown) {
  if (!cloneWithCoreJs) {
    const ours = globalThis.structuredClone
    Reflect.deleteProperty(globalThis, 'structuredClone')
    require('core-js/modules/web.structured-clone.js')
    cloneWithCoreJs = globalThis.structuredClone as (value: unknown) => unknown
    Object.defineProperty(globalThis, 'structuredClone', { value: ours, writable: true, configurable: true })
  }
  return cloneWithCoreJs(value)
}

// Transfer needs detaching, which a bare V8 context cannot do (V8 11 has no
// ArrayBuffer.prototype.transfer, there is no MessageChannel), so core-js throws DataCloneError.
// web-streams-polyfill "transfers" every byte-stream chunk, alone, as `structuredClone(buffer,
// { transfer: [buffer] })`: that hands back the same buffer (it stays usable, nothing is
// copied, and core-js is not loaded for it). Any other transfer is a copy.
Object.defineProperty(globalThis, 'structuredClone', {
  value: function structuredClone(value: unknown, options?: { transfer?: unknown[] }) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.")
    const transfer = options?.transfer
    if (transfer === undefined) return coreJsClone(value)
    for (const item of transfer) {
      if (!(item instanceof ArrayBuffer)) throw new DOMExceptionPolyfill('Value not transferable', 'DataCloneError')
    }
    if (transfer.length === 1 && transfer[0] === value) return value
    return coreJsClone(value)
  },
  writable: true,
  configurable: true,
  enumerable: false,
})
