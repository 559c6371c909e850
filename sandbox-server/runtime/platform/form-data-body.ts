/**
 * FormData as a request or response body: encoding one as multipart/form-data and reading
 * multipart/form-data or application/x-www-form-urlencoded bytes back into one.
 *
 * The wire work is done by well-kept libraries (form-data-encoder, @remix-run/multipart-parser);
 * this module only maps their shapes onto our FormData and File. It must never
 * read a body twice or keep a reference to the bytes it was given.
 */
import { getMultipartBoundary, MultipartParseError, parseMultipart } from '@remix-run/multipart-parser'
import { FormDataEncoder } from 'form-data-encoder'
import { File } from './blob.ts'
import { FormData } from './form-data.ts'
import { ReadableStream } from 'web-streams-polyfill'
import { TextDecoder } from './text-encoding.ts'

// Node's words, so an error reads the same in the sandbox and on a real server.
const PARSE_FAILED = 'Failed to parse body as FormData.'

/** Serialises `form` lazily: the content type is known at once, the bytes when read. */
export function encodeFormData(form: FormData): { stream: ReadableStream<Uint8Array>; contentType: string } {
  // Same boundary shape as Node's fetch, so a learner sees the same thing in both places.
  const boundary = `----formdata-sandbox-${Math.random().toString().slice(2, 13).padStart(11, '0')}`
  const encoder = new FormDataEncoder(form as never, boundary)
  const chunks = encoder.encode()
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      await chunks.return(undefined)
    },
  })
  return { stream, contentType: encoder.contentType }
}

/** Reads a complete body as FormData, the way `Body.formData()` does. */
export function decodeFormData(bytes: Uint8Array, contentType: string | null): FormData {
  const essence = (contentType ?? '').split(';')[0].trim().toLowerCase()
  if (essence === 'multipart/form-data') return decodeMultipart(bytes, contentType as string)
  if (essence === 'application/x-www-form-urlencoded') {
    const form = new FormData()
    const text = new TextDecoder().decode(bytes)
    for (const [name, value] of new URLSearchParams(text)) form.append(name, value)
    return form
  }
  throw new TypeError('Content-Type was not one of "multipart/form-data" or "application/x-www-form-urlencoded".')
}

function decodeMultipart(bytes: Uint8Array, contentType: string): FormData {
  const boundary = getMultipartBoundary(contentType)
  if (!boundary) throw new TypeError(PARSE_FAILED)
  const form = new FormData()
  const decoder = new TextDecoder()
  try {
    // The isolate's memory limit bounds a body; the parser's own size caps would only differ from Node.
    const parts = parseMultipart(bytes, {
      boundary,
      maxFileSize: Number.POSITIVE_INFINITY,
      maxTotalSize: Number.POSITIVE_INFINITY,
      maxParts: Number.POSITIVE_INFINITY,
    })
    for (const part of parts) {
      const name = part.name
      if (name === undefined) throw new TypeError(PARSE_FAILED)
      const filename = part.filename
      if (filename === undefined) form.append(name, decoder.decode(part.bytes))
      else form.append(name, new File([part.bytes], filename, { type: part.mediaType ?? 'text/plain' }))
    }
  } catch (error) {
    if (error instanceof MultipartParseError) throw new TypeError(PARSE_FAILED)
    throw error
  }
  return form
}
