// A page with one list that can run to megabytes (a post's thread of 10,000 comments)
// is rendered in two steps: the list in batches, each straight to bytes, then the page
// around a marker where those bytes go. EJS builds its output by appending strings, so
// a whole long page is a chain of a million small strings alive until the response is
// encoded: they outlive the young generation, and encoding them chases pointers all over
// the heap. The 10,000-comment page cost 12 to 14 times the 1,000-comment one. Made in
// batches, each batch's strings die young, and no page-sized string is ever built.
//
// Nor, where it can be helped, a page-sized buffer: fresh memory costs a page fault per
// 4 KB, and on a virtual machine that is some 70 ms for 16 MB, more than the copy.
// Batches stay under malloc's mmap threshold (128 KB), so their memory is reused, and a
// personal page is streamed, a batch at a time.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { isShareable } from './cache-control.js';

/** Items per batch: some 65 KB of a thread's markup. */
const BATCH = 40;
// Random per process, so no text a commenter types can be mistaken for it.
const MARKER = `colloquy-long-list-${randomBytes(16).toString('hex')}`;

export interface LongList<T> {
  /** The partial that renders one batch. */
  view: string;
  items: readonly T[];
  /** The partial's locals for one batch of items. */
  locals(batch: readonly T[]): object;
}

/**
 * res.render(view, locals), with `locals[slot]` standing for `list` rendered batch by
 * batch (written unescaped, `<%- slot %>`, at most once). Sends the page as HTML.
 */
export async function renderWithLongList<T>(res: Response, view: string, locals: object, slot: string, list: LongList<T>): Promise<void> {
  const page = await renderView(res, view, { ...locals, [slot]: MARKER });
  const at = page.indexOf(MARKER);
  const head = Buffer.from(at < 0 ? page : page.slice(0, at));
  const tail = Buffer.from(at < 0 ? '' : page.slice(at + MARKER.length));
  async function* batches() {
    for (let i = 0; i < list.items.length; i += BATCH) {
      yield Buffer.from(await renderView(res, list.view, list.locals(list.items.slice(i, i + BATCH))));
    }
  }
  res.type('html');
  // A page for everyone goes through res.send whole, once: the render cache keeps it, and
  // its ETag answers revalidation.
  if (isShareable(res)) {
    const body = [head];
    for await (const batch of batches()) body.push(batch);
    body.push(tail);
    res.send(Buffer.concat(body));
    return;
  }
  // A personal page is private and never stored, so never revalidated: it needs no ETag
  // and no length, and goes out as it is rendered. Holding all of a 16 MB page's batches
  // until the end made their memory fresh pages on every render (see above).
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  res.write(head);
  for await (const batch of batches()) {
    if (res.destroyed) return;
    if (!res.write(batch)) await drainedOrClosed(res);
  }
  res.end(tail);
}

/** Resolves once the response can take more, or the reader has gone. */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function renderView(res: Response, view: string, locals: object): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(view, locals, (error: Error | null, html: string) => (error ? reject(error) : resolve(html)));
  });
}
