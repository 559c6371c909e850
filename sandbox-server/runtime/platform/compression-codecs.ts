/**
 * fflate's streaming classes, by Compression Streams format. Kept apart from compression.ts so
 * that the prelude loads it (`require`) on the first CompressionStream or DecompressionStream:
 * fflate builds its Huffman tables when it is evaluated, about 10 ms per context (measured),
 * which an isolate that never compresses should not pay.
 */
import { Deflate, Gunzip, Gzip, Inflate, Unzlib, Zlib, type FlateStreamHandler } from 'fflate'

export type Format = 'gzip' | 'deflate' | 'deflate-raw'

export interface Codec {
  ondata: FlateStreamHandler
  push(chunk: Uint8Array, final?: boolean): void
}

export const COMPRESSORS: Record<Format, () => Codec> = {
  // mtime 0: no time in the header, as browsers write it.
  gzip: () => new Gzip({ mtime: 0 }),
  deflate: () => new Zlib(),
  'deflate-raw': () => new Deflate(),
}

export const DECOMPRESSORS: Record<Format, () => Codec> = {
  gzip: () => new Gunzip(),
  deflate: () => new Unzlib(),
  'deflate-raw': () => new Inflate(),
}
