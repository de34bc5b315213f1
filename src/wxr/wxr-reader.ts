// Reads a WordPress eXtended RSS (WXR) export as a stream: the channel's own fields, then
// each author and item as a plain typed value, one at a time, so a file of any size is read
// in the memory of its largest item. No database here: the importer checks and writes.
// saxes never expands an entity a DTD declares, and a DOCTYPE is refused outright
// (WordPress never writes one), so an entity bomb has nothing to go off with.
import fs from 'node:fs';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { MARKDOWN_META_KEY } from './export-wxr.js';

/** The file's text in chunks, read afresh on every call: an import reads it twice. */
export type WxrSource = () => AsyncIterable<string> | Iterable<string>;

export const wxrText = (xml: string): WxrSource => () => [xml];
export const wxrFile = (file: string): WxrSource => () => fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });

export class WxrImportError extends Error {
  override name = 'WxrImportError';
}

export interface WxrAuthor {
  id: string;
  login: string;
  displayName: string;
  email: string;
}

export interface WxrCategory {
  domain: string;
  nicename: string;
  name: string;
}

export interface WxrComment {
  id: string;
  parent: string;
  type: string;
  author: string;
  email: string;
  url: string;
  content: string;
  /** Our own export's Markdown source, when the file came from Colloquy. */
  markdown: string | undefined;
  approved: string;
  userId: string;
  date: string;
  dateGmt: string;
}

export interface WxrItem {
  /** Where the item starts in the file, for messages. */
  line: number;
  postId: string;
  guid: string;
  type: string;
  status: string;
  title: string;
  creator: string;
  slug: string;
  content: string;
  markdown: string | undefined;
  excerpt: string;
  commentStatus: string;
  postDate: string;
  postDateGmt: string;
  pubDate: string;
  attachmentUrl: string;
  categories: WxrCategory[];
  comments: WxrComment[];
}

export type WxrEntry =
  | { kind: 'channel'; name: string; text: string }
  | { kind: 'author'; author: WxrAuthor }
  | { kind: 'item'; item: WxrItem };

/** One element below the channel, built while its item or author is read, then dropped. */
interface Element {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: Element[];
  line: number;
}

const WXR_NAMESPACE = /^https?:\/\/wordpress\.org\/export\/1\.[0-2]\/$/;
const NOT_WXR = 'The file is not a WordPress export (WXR): it needs an <rss> with a <channel> and the wp: namespace of WXR 1.0 to 1.2.';

const childText = (e: Element, name: string): string => e.children.find((c) => c.name === name)?.text ?? '';
const field = (e: Element, name: string): string => childText(e, name).trim();
const childrenNamed = (e: Element, name: string): Element[] => e.children.filter((c) => c.name === name);

function metaValue(e: Element, element: string, key: string): string | undefined {
  const found = childrenNamed(e, element).find((m) => field(m, 'wp:meta_key') === key);
  return found ? childText(found, 'wp:meta_value') : undefined;
}

function commentOf(e: Element): WxrComment {
  return {
    id: field(e, 'wp:comment_id'),
    parent: field(e, 'wp:comment_parent'),
    type: field(e, 'wp:comment_type'),
    author: field(e, 'wp:comment_author'),
    email: field(e, 'wp:comment_author_email'),
    url: field(e, 'wp:comment_author_url'),
    content: childText(e, 'wp:comment_content'),
    markdown: metaValue(e, 'wp:commentmeta', MARKDOWN_META_KEY),
    approved: field(e, 'wp:comment_approved'),
    userId: field(e, 'wp:comment_user_id'),
    date: field(e, 'wp:comment_date'),
    dateGmt: field(e, 'wp:comment_date_gmt'),
  };
}

function itemOf(e: Element): WxrItem {
  return {
    line: e.line,
    postId: field(e, 'wp:post_id'),
    guid: field(e, 'guid'),
    type: field(e, 'wp:post_type') || 'post',
    status: field(e, 'wp:status') || 'publish',
    title: field(e, 'title'),
    creator: field(e, 'dc:creator'),
    slug: field(e, 'wp:post_name'),
    content: childText(e, 'content:encoded'),
    markdown: metaValue(e, 'wp:postmeta', MARKDOWN_META_KEY),
    excerpt: field(e, 'excerpt:encoded'),
    commentStatus: field(e, 'wp:comment_status'),
    postDate: field(e, 'wp:post_date'),
    postDateGmt: field(e, 'wp:post_date_gmt'),
    pubDate: field(e, 'pubDate'),
    attachmentUrl: field(e, 'wp:attachment_url'),
    categories: childrenNamed(e, 'category').map((c) => ({ domain: c.attributes.domain ?? '', nicename: c.attributes.nicename ?? '', name: c.text.trim() })),
    comments: childrenNamed(e, 'wp:comment').map(commentOf),
  };
}

function authorOf(e: Element): WxrAuthor {
  return { id: field(e, 'wp:author_id'), login: field(e, 'wp:author_login'), displayName: field(e, 'wp:author_display_name'), email: field(e, 'wp:author_email') };
}

/** saxes says "12:40: unclosed tag: item"; the reader is told the line and column in words. */
function notWellFormed(err: Error): WxrImportError {
  const m = /^(\d+):(\d+): (.*)$/s.exec(err.message);
  return new WxrImportError(m
    ? `The file is not well-formed XML (line ${m[1]}, column ${m[2]}): ${m[3]}`
    : `The file is not well-formed XML: ${err.message}`);
}

/**
 * The entries of a WXR file in the order they come. Throws WxrImportError when the file
 * is not well-formed (at the fault) or, once the whole file has proved well-formed, when
 * it is not a WordPress export: a broken file is called broken first.
 */
export async function* readWxr(source: WxrSource): AsyncGenerator<WxrEntry> {
  const parser = new SaxesParser<{ xmlns: false }>({ xmlns: false });
  const ready: WxrEntry[] = [];
  let depth = 0;
  let isWxr = false;
  let inChannel = false;
  let sawChannel = false;
  // The open elements below the channel, outermost first: only while an item or author is read.
  const open: Element[] = [];

  parser.on('doctype', () => {
    throw new WxrImportError('The file declares a DOCTYPE, which a WordPress export never has; it was not imported.');
  });
  parser.on('error', (err) => {
    throw notWellFormed(err);
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    depth++;
    if (depth === 1) isWxr = tag.name === 'rss' && WXR_NAMESPACE.test(tag.attributes['xmlns:wp'] ?? '');
    else if (depth === 2 && isWxr && tag.name === 'channel' && !sawChannel) inChannel = sawChannel = true;
    else if (depth >= 3 && inChannel) open.push({ name: tag.name, attributes: tag.attributes, text: '', children: [], line: parser.line });
  });
  const addText = (text: string) => {
    const current = open[open.length - 1];
    if (current) current.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    depth--;
    if (depth === 1) inChannel = false;
    if (depth < 2 || !inChannel) return;
    const done = open.pop()!;
    const parent = open[open.length - 1];
    if (parent) parent.children.push(done);
    else if (done.name === 'item') ready.push({ kind: 'item', item: itemOf(done) });
    else if (done.name === 'wp:author') ready.push({ kind: 'author', author: authorOf(done) });
    else if (done.children.length === 0) ready.push({ kind: 'channel', name: done.name, text: done.text.trim() });
  });

  let first = true;
  for await (const chunk of source()) {
    // A byte-order mark, as some editors save.
    parser.write(first ? chunk.replace(/^\uFEFF/, '') : chunk);
    first = false;
    yield* ready.splice(0);
  }
  parser.close();
  yield* ready.splice(0);
  if (!sawChannel) throw new WxrImportError(NOT_WXR);
}
