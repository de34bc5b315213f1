// gzip and brotli for kept pages, compressed once and still able to carry one part
// that differs on every response (the comment form's time stamp). The constant head
// of a page is compressed once and flushed to a byte boundary; each response then
// appends its own tail as an uncompressed block, which both formats allow, and
// closes the stream. Per response that costs a CRC over the tail, not a compression.
import zlib from 'node:zlib';

export type Encoding = 'br' | 'gzip';

/** Bodies smaller than this are sent as they are: compression would save little and cost a round of work. */
export const MIN_COMPRESS_BYTES = 1024;
/** The largest per-response tail one uncompressed block holds (gzip's stored block limit). */
export const MAX_TAIL_BYTES = 65_535;

const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript|xml|[\w.-]+\+(?:xml|json)))/i;

/** Text types gain from compression; images, archives and the like are compressed already. */
export function isCompressible(contentType: string | undefined): boolean {
  return contentType !== undefined && COMPRESSIBLE.test(contentType);
}

/**
 * The encoding to answer with for an Accept-Encoding header: the one of brotli and
 * gzip with the higher q-value (brotli on a tie), listed directly or by `*`, above zero.
 */
export function chooseEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    let weight = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=');
      if (key.trim().toLowerCase() === 'q') weight = Number(value.trim());
    }
    q.set(name.trim().toLowerCase(), Number.isNaN(weight) ? 0 : weight);
  }
  const weight = (name: Encoding) => q.get(name) ?? q.get('*') ?? 0;
  const br = weight('br');
  const gzip = weight('gzip');
  if (br > 0 && br >= gzip) return 'br';
  return gzip > 0 ? 'gzip' : undefined;
}

const BROTLI_PARAMS = {
  [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
  // 5 compresses a 300 KB page in a few milliseconds to within a few per cent of 11,
  // which takes a hundred times longer; a page is compressed again after every write.
  [zlib.constants.BROTLI_PARAM_QUALITY]: 5,
};

/** A whole body, compressed; for bodies with nothing that differs per response. */
export function compressWhole(encoding: Encoding, body: Buffer): Buffer {
  return encoding === 'br'
    ? zlib.brotliCompressSync(body, { params: { ...BROTLI_PARAMS, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    : zlib.gzipSync(body);
}

/** A compressed head waiting for its per-response tail. */
export interface OpenStream {
  encoding: Encoding;
  head: Buffer;
  /** CRC-32 and length of the uncompressed head, for gzip's trailer. */
  headCrc: number;
  headLength: number;
}

// A gzip member header: deflate, no name or time, unknown OS.
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);

/** Compresses `head`, leaving the stream open at a byte boundary for closeStream(). */
export function openStream(encoding: Encoding, head: Buffer): OpenStream {
  const compressed = encoding === 'br'
    ? zlib.brotliCompressSync(head, {
      finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      params: { ...BROTLI_PARAMS, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: head.length },
    })
    : Buffer.concat([GZIP_HEADER, zlib.deflateRawSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH })]);
  return { encoding, head: compressed, headCrc: encoding === 'gzip' ? crc32(head) : 0, headLength: head.length };
}

/**
 * The pieces of a complete compressed body: the open head, then `tail` (at most
 * MAX_TAIL_BYTES) as one uncompressed final block, then the end of the stream.
 */
export function closeStream(stream: OpenStream, tail: Buffer): Buffer[] {
  if (tail.length > MAX_TAIL_BYTES) throw new RangeError(`a tail of ${tail.length} bytes does not fit one block`);
  const n = tail.length;
  if (stream.encoding === 'br') {
    if (n === 0) return [stream.head, BROTLI_LAST_EMPTY];
    // RFC 7932 §9.2: ISLAST 0, MNIBBLES 0 (four nibbles), MLEN-1 in 16 bits,
    // ISUNCOMPRESSED 1, zero bits to the byte boundary; then the bytes themselves.
    const bits = ((n - 1) << 3) | (1 << 19);
    const header = Buffer.from([bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff]);
    return [stream.head, header, tail, BROTLI_LAST_EMPTY];
  }
  // RFC 1951 §3.2.4: a final stored block (BFINAL 1, BTYPE 00), LEN and its complement.
  const header = Buffer.from([0x01, n & 0xff, n >>> 8, ~n & 0xff, (~n >>> 8) & 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tail, stream.headCrc), 0);
  trailer.writeUInt32LE((stream.headLength + n) % 0x1_0000_0000, 4);
  return [stream.head, header, tail, trailer];
}

// ISLAST 1, ISLASTEMPTY 1: the stream ends.
const BROTLI_LAST_EMPTY = Buffer.from([0x03]);

// Node 20 has no zlib.crc32 (it came in 22.2), so the table-driven CRC-32 of RFC 1952.
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 of `bytes`, continuing from the CRC of what came before them. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
