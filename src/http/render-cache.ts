// The shared render cache: public pages and feeds as sent to readers without cookies,
// kept in memory and reused until the content generation changes (any visible write,
// in any worker) or a scheduled post's time comes. Two handlers: `keep`, after the
// security headers, keeps what a shared page sends; `serveKept`, in front of Express,
// answers with a kept page and the headers it was sent with. The one part that differs per
// response (the comment form's time stamp) is kept as a random token and filled in
// on the way out, in plain and compressed bodies alike. Each kept page answers
// If-None-Match with 304 and is compressed at most once per encoding.
import { createHash, randomBytes } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

// Every header of the page is kept (security headers, the page's own Content-Security-
// Policy, which a comment form with sign-in buttons widens, its cache and type), except
// those made for each response. A page that set a cookie is never kept.
const PER_RESPONSE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'etag', 'vary', 'set-cookie']);
// Keys, the Map and the headers: a rough per-entry cost beyond the bodies.
const ENTRY_OVERHEAD = 1024;

export interface RenderCache {
  /**
   * In front of the app, on the bare request: answers with a kept, current page and the
   * headers it was sent with, and says whether it did. A kept page thus costs one indexed
   * read and none of the framework's work, and is served at the speed of a static file.
   */
  serveKept(req: IncomingMessage, res: ServerResponse): boolean;
  /** After the headers every page carries: a shareable page is kept as it is sent. */
  keep: RequestHandler;
}

export function createRenderCache(options: RenderCacheOptions): RenderCache {
  const { generation, clock, perResponse } = options;
  const queryKeys = [...options.queryKeys].sort();
  const entries = createByteLru<string, Entry>(options.budgetBytes);
  // Random per process, so no text a commenter types can ever be mistaken for it.
  const token = `colloquy-per-response-${randomBytes(16).toString('hex')}`;

  /** The page's key from the request's URL: its path and the query keys a shared page reads (querystring.parse, as Express's simple parser). */
  function keyOf(url: string): string {
    const mark = url.indexOf('?');
    if (mark < 0) return url;
    const path = url.slice(0, mark);
    const query = parseQuery(url.slice(mark + 1));
    const kept = queryKeys.filter((k) => query[k] !== undefined).map((k) => `${k}=${JSON.stringify(query[k])}`);
    return kept.length === 0 ? path : `${path}?${kept.join('&')}`;
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

  function send(req: IncomingMessage, res: ServerResponse, key: string, entry: Entry) {
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

  const shared = (req: IncomingMessage) => (req.method === 'GET' || req.method === 'HEAD') && !isPersonalRequest(req);
  return {
    serveKept(req, res) {
      if (!shared(req)) return false;
      const key = keyOf(req.url ?? '');
      const kept = entries.get(key);
      if (!kept) return false;
      if (kept.generation === generation.current() && clock() < kept.validUntil) {
        send(req, res, key, kept);
        return true;
      }
      entries.delete(key);
      return false;
    },
    keep(req, res, next) {
      if (shared(req)) keepOnSend(req, res, keyOf(req.url), generation.current(), clock());
      next();
    },
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
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value !== undefined && !PER_RESPONSE_HEADERS.has(name)) headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
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
