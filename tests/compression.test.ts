import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseEncoding, closeStream, compressWhole, crc32, isCompressible, MAX_TAIL_BYTES, openStream, type Encoding } from '../src/http/compression.js';
import { isNotModified } from '../src/http/render-cache.js';

const decode = (encoding: Encoding, body: Buffer) => (encoding === 'br' ? zlib.brotliDecompressSync(body) : zlib.gunzipSync(body));

describe('negotiating an encoding', () => {
  it.each<[string | undefined, Encoding | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['GZIP;q=0.5', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['br;q=0.8, *;q=0.1', 'br'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['gzip;q=abc', undefined],
    [';;;,,,=', undefined],
  ])('%j → %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });

  it('compresses text types only', () => {
    for (const type of ['text/html; charset=utf-8', 'application/rss+xml', 'application/atom+xml; charset=utf-8', 'application/xml', 'application/json', 'application/feed+json']) {
      expect(isCompressible(type), type).toBe(true);
    }
    for (const type of ['image/png', 'image/svg', 'application/gzip', 'application/octet-stream', 'font/woff2', undefined]) {
      expect(isCompressible(type), String(type)).toBe(false);
    }
  });
});

describe('a compressed head with a tail made per response', () => {
  const head = Buffer.from(`<!doctype html><p>${'A long page of comments, much alike. '.repeat(4000)}`);

  it.each<Encoding>(['gzip', 'br'])('%s: decodes to head + tail, for any tail, from one compression of the head', (encoding) => {
    const stream = openStream(encoding, head);
    expect(stream.head.length).toBeLessThan(head.length / 20);
    for (const tail of ['1767225600000.0123456789abcdef0123456789abcdef"></p></form></body></html>', '', 'é'.repeat(MAX_TAIL_BYTES / 2)]) {
      const body = Buffer.concat(closeStream(stream, Buffer.from(tail)));
      expect(decode(encoding, body).equals(Buffer.concat([head, Buffer.from(tail)]))).toBe(true);
    }
    expect(() => closeStream(stream, Buffer.alloc(MAX_TAIL_BYTES + 1))).toThrow(RangeError);
  });

  it.each<Encoding>(['gzip', 'br'])('%s: a whole body round-trips', (encoding) => {
    expect(decode(encoding, compressWhole(encoding, head)).equals(head)).toBe(true);
  });

  it('computes the CRC-32 of RFC 1952, continuing across pieces', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('conditional requests', () => {
  const etag = 'W/"abc"';
  const lastModified = Date.parse('2026-01-01T10:00:00.500Z');
  const ask = (headers: Record<string, string>) => isNotModified({ headers }, etag, lastModified);

  it('answers If-None-Match by weak comparison, and lets it override If-Modified-Since', () => {
    expect(ask({ 'if-none-match': 'W/"abc"' })).toBe(true);
    expect(ask({ 'if-none-match': '"abc"' })).toBe(true);
    expect(ask({ 'if-none-match': '"x", W/"abc"' })).toBe(true);
    expect(ask({ 'if-none-match': '*' })).toBe(true);
    expect(ask({ 'if-none-match': 'W/"abd"' })).toBe(false);
    expect(ask({ 'if-none-match': 'W/"abd"', 'if-modified-since': 'Thu, 01 Jan 2026 10:00:00 GMT' })).toBe(false);
  });

  it('answers If-Modified-Since in whole seconds', () => {
    expect(ask({ 'if-modified-since': 'Thu, 01 Jan 2026 10:00:00 GMT' })).toBe(true);
    expect(ask({ 'if-modified-since': 'Thu, 01 Jan 2026 09:59:59 GMT' })).toBe(false);
    expect(ask({ 'if-modified-since': 'not a date' })).toBe(false);
    expect(isNotModified({ headers: { 'if-modified-since': 'Thu, 01 Jan 2026 10:00:00 GMT' } }, etag, undefined)).toBe(false);
    expect(ask({})).toBe(false);
  });
});
