// The shared render cache: public pages and feeds as sent to readers without cookies,
// kept in memory and reused until the content generation changes (any visible write,
// in any worker) or a scheduled post's time comes. It sits in front of sessions and
// page locals, so a kept page costs one indexed read. The one part that differs per
// response (the comment form's time stamp) is kept as a random token and filled in
// on the way out, in plain and compressed bodies alike. Each kept page answers
// If-None-Match with 304 and is compressed at most once per encoding.
import { createHash, randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { createByteLru } from '../byte-lru.js';
import type { Clock } from '../clock.js';
import type { ContentGenerationRepository } from '../content/content-generation-repository.js';
import { isPersonalRequest, isShareable } from './cache-control.js';
import {
  chooseEncoding, closeStream, compressWhole, isCompressible, openStream,
  MAX_TAIL_BYTES, MIN_COMPRESS_BYTES, type Encoding, type OpenStream,
} from './compression.js';

export interface RenderCacheOptions {
  budgetBytes: number;
  generation: ContentGenerationRepository;
  clock: Clock;
  /** Every query key a shared page reads; any other key cannot change a page, so it is left out of the key. */
  queryKeys: readonly string[];
  /** A value made anew for every response; routes find its stand-in in `res.locals[local]`. */
  perResponse: { local: string; fill: () => string };
}

/** A page as kept: its constant parts, with the per-response value between them. */
interface Entry {
  generation: number;
  /** When a scheduled post or page goes public (ms), or Infinity. */
  validUntil: number;
  headers: [string, string][];
  etag: string;
  lastModified: number | undefined;
  parts: Buffer[];
  /** The plain body's length, without the per-response value. */
  plainBytes: number;
  compressible: boolean;
  encoded: Partial<Record<Encoding, Buffer | OpenStream>>;
  bytes: number;
}

// Headers a route sets that belong to the page; the other security headers are set again
// on every request by earlier middleware, and the rest are made per response. The page's
// own Content-Security-Policy is kept: a comment form with sign-in buttons widens its
// form-action to the providers (allowFormTargets in security-headers.ts).
const KEPT_HEADERS = ['content-type', 'cache-control', 'last-modified', 'x-robots-tag', 'link', 'content-language', 'content-security-policy'];
// Keys, the Map and the headers: a rough per-entry cost beyond the bodies.
const ENTRY_OVERHEAD = 1024;

export function createRenderCache(options: RenderCacheOptions): RequestHandler {
  const { generation, clock, perResponse } = options;
  const queryKeys = [...options.queryKeys].sort();
  const entries = createByteLru<string, Entry>(options.budgetBytes);
  // Random per process, so no text a commenter types can ever be mistaken for it.
  const token = `colloquy-per-response-${randomBytes(16).toString('hex')}`;

  function keyOf(req: Request): string {
    if (!req.url.includes('?')) return req.path;
    const query = req.query as Record<string, unknown>;
    const kept = queryKeys.filter((k) => query[k] !== undefined).map((k) => `${k}=${JSON.stringify(query[k])}`);
    return kept.length === 0 ? req.path : `${req.path}?${kept.join('&')}`;
  }

  function store(key: string, entry: Entry) {
    entries.set(key, entry, entry.bytes);
  }

  /** The body pieces for one response in `encoding` (undefined: plain). */
  function bodyFor(key: string, entry: Entry, encoding: Encoding | undefined): Buffer[] {
    const [head = Buffer.alloc(0), ...rest] = entry.parts;
    const value = rest.length > 0 ? Buffer.from(perResponse.fill()) : undefined;
    const tail = value ? rest.flatMap((part) => [value, part]) : [];
    if (!encoding) return [head, ...tail];

    let form = entry.encoded[encoding];
    const tailBytes = tail.reduce((n, b) => n + b.length, 0);
    if (!form && tailBytes <= MAX_TAIL_BYTES) {
      form = value ? openStream(encoding, head) : compressWhole(encoding, head);
      entry.encoded[encoding] = form;
      entry.bytes += (Buffer.isBuffer(form) ? form : form.head).length;
      // Still kept (not evicted or replaced meanwhile): account for what it now holds.
      if (entries.peek(key) === entry) store(key, entry);
    }
    if (!form) return [compressWhole(encoding, Buffer.concat([head, ...tail]))];
    return Buffer.isBuffer(form) ? [form] : closeStream(form, Buffer.concat(tail));
  }

  function send(req: Request, res: Response, key: string, entry: Entry) {
    res.statusCode = 200;
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    res.setHeader('ETag', entry.etag);
    if (isNotModified(req, entry.etag, entry.lastModified)) {
      res.statusCode = 304;
      res.removeHeader('Content-Type');
      res.end();
      return;
    }
    const encoding = entry.compressible && entry.plainBytes >= MIN_COMPRESS_BYTES ? chooseEncoding(req.headers['accept-encoding']) : undefined;
    const body = bodyFor(key, entry, encoding);
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.reduce((n, b) => n + b.length, 0));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.cork();
    for (const piece of body) res.write(piece);
    res.end();
    res.uncork();
  }

  /**
   * Wraps res.send for this one response: a shareable 200 is kept (unless it set a
   * cookie) and sent from the entry. The generation was read before the page was
   * rendered, so a write landing meanwhile leaves the entry marked older, never newer;
   * a post scheduled after `now` that the render already showed only ends it sooner.
   */
  function keepOnSend(req: Request, res: Response, key: string, generationNow: number, now: number) {
    res.locals[perResponse.local] = token;
    const original = res.send;
    res.send = function sendAndKeep(this: Response, body?: unknown) {
      res.send = original;
      const parts = typeof body === 'string' ? body.split(token) : Buffer.isBuffer(body) ? splitBytes(body, token) : undefined;
      if (!parts) return original.call(this, body);
      if (res.statusCode !== 200 || !isShareable(res)) {
        return original.call(this, parts.length > 1 ? joinWith(parts, perResponse.fill()) : body);
      }
      if (!res.getHeader('Content-Type')) res.type(typeof body === 'string' ? 'html' : 'bin');
      const publication = generation.nextPublicationAfter(new Date(now).toISOString());
      const entry = makeEntry(res, parts, generationNow, publication === undefined ? Infinity : Date.parse(publication));
      // Headers are final only once sent: a page that started a session is not everyone's.
      res.once('finish', () => {
        if (res.getHeader('Set-Cookie') === undefined) store(key, entry);
      });
      send(req, res, key, entry);
      return this;
    };
  }

  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isPersonalRequest(req)) return next();
    const now = clock();
    const current = generation.current();
    const key = keyOf(req);
    const kept = entries.get(key);
    if (kept && kept.generation === current && now < kept.validUntil) return send(req, res, key, kept);
    if (kept) entries.delete(key);
    keepOnSend(req, res, key, current, now);
    next();
  };
}

/** `body` cut at each `token` (ASCII), without copying. */
function splitBytes(body: Buffer, token: string): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = body.indexOf(token); at >= 0; at = body.indexOf(token, from)) {
    parts.push(body.subarray(from, at));
    from = at + token.length;
  }
  parts.push(body.subarray(from));
  return parts;
}

/** The parts joined with `value` between them, as the body they came from: a string or bytes. */
function joinWith(parts: string[] | Buffer[], value: string): string | Buffer {
  if (typeof parts[0] === 'string') return (parts as string[]).join(value);
  const between = Buffer.from(value);
  return Buffer.concat((parts as Buffer[]).flatMap((part, i) => (i === 0 ? [part] : [between, part])));
}

function makeEntry(res: Response, texts: (string | Buffer)[], generationNow: number, validUntil: number): Entry {
  const parts = texts.map((t) => (typeof t === 'string' ? Buffer.from(t, 'utf8') : t));
  const headers: [string, string][] = [];
  for (const name of KEPT_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
  }
  const vary = res.getHeader('vary');
  headers.push(['vary', vary === undefined ? 'Accept-Encoding' : `${String(vary)}, Accept-Encoding`]);
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  const lastModified = res.getHeader('last-modified');
  const plainBytes = parts.reduce((n, b) => n + b.length, 0);
  return {
    generation: generationNow,
    validUntil,
    headers,
    etag: `W/"${hash.digest('base64url').slice(0, 27)}"`,
    lastModified: lastModified === undefined ? undefined : Date.parse(String(lastModified)),
    parts,
    plainBytes,
    compressible: isCompressible(String(res.getHeader('content-type') ?? '')),
    encoded: {},
    bytes: plainBytes + ENTRY_OVERHEAD,
  };
}

/**
 * RFC 9110 §13.1: If-None-Match (weak comparison, or `*`) decides when present;
 * otherwise If-Modified-Since against Last-Modified, in whole seconds.
 */
export function isNotModified(req: Pick<Request, 'headers'>, etag: string, lastModified: number | undefined): boolean {
  const match = req.headers['if-none-match'];
  if (match !== undefined) {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    const ours = opaque(etag);
    return match.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === ours);
  }
  const since = req.headers['if-modified-since'];
  if (since === undefined || lastModified === undefined || Number.isNaN(lastModified)) return false;
  const sinceMs = Date.parse(since);
  return !Number.isNaN(sinceMs) && Math.floor(lastModified / 1000) * 1000 <= sinceMs;
}
