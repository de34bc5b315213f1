// Imports a WordPress eXtended RSS (WXR) export: authors, posts and pages with their tags,
// and comments with their true parents. Two streaming passes over the file, so a large
// export is read in the memory of its largest item: the first checks the whole file
// (well-formed, a WordPress export, the fields an import needs, real dates), and a file
// that fails changes nothing; the second writes in short transactions (BATCH_SIZE rows or
// BATCH_MS), so a running blog's own writes wait at most for one batch, never for the file.
//
// Every post and comment is recorded with where it came from (imported_posts and
// imported_comments): running the import again recognises them and leaves them as they
// are, edited here or not, and adds only what is new, such as new comments on a post
// imported before, under their true parents. Something deleted here stays deleted.
//
// Authors go in through the users service (a login that is not a usable name is renamed),
// posts through the posts service, which reports personal data in published posts rather
// than unpublishing them (an import does not change what was public), and comments through
// the comments service, which renders them. Post bodies from WordPress are HTML, stored as
// the Markdown source unchanged (Markdown passes HTML through and the post sanitiser cleans
// it); a Colloquy export carries the real Markdown, used when present. Attachments are not
// fetched (nothing is downloaded): the report lists their addresses.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommentStatus } from '../comments/comments-repository.js';
import type { Db } from '../db/open.js';
import type { PostStatus } from '../posts/posts-repository.js';
import type { Clock } from '../clock.js';
import type { Repositories } from '../repositories.js';
import { describeFindings } from '../risk/personal-data.js';
import type { Services } from '../services.js';
import type { ImportedAuthor } from '../users/users-service.js';
import { commentHtmlToMarkdown, decodeEntities } from './wordpress-html.js';
import { readWxr, WxrImportError, type WxrComment, type WxrItem, type WxrSource } from './wxr-reader.js';

export { WxrImportError, wxrFile, wxrText, type WxrSource } from './wxr-reader.js';

/** Rows (an author, a post, a comment) written per transaction, at most. */
export const BATCH_SIZE = 200;
// A batch also ends once it has held the write lock this long: rendering a long post
// takes milliseconds, and the blog's own writes wait for the batch.
const BATCH_MS = 50;
// After each batch the import rests a quarter of the time the batch took, so a blog's
// writer waiting on the database (SQLite polls it every few milliseconds) finds it free.
const REST_FRACTION = 0.25;
const MIN_REST_MS = 5;

interface Kinds {
  posts: number;
  pages: number;
  comments: number;
}

export interface ImportCounts extends Kinds {
  usersCreated: number;
  usersMatched: number;
  /** Imported before (recognised by their source) and left as they are. */
  alreadyHere: Kinds;
  /** Imported before and deleted here since: left deleted. */
  deletedHere: Kinds;
  /** Items that are not posts, pages or attachments (menus, revisions), or are trashed. */
  skippedItems: number;
  /** Pingbacks and trackbacks. */
  skippedComments: number;
}

/** What an import did, for the report. */
export interface ImportReport {
  counts: ImportCounts;
  /** Authors made by this import (by username), each with its WordPress login when renamed. */
  createdAuthors: ImportedAuthor[];
  /** Published posts that seem to hold personal data: left public, named for a look. */
  personalData: { slug: string; title: string; findings: string }[];
  /** The original address of each attachment (image, file) in the export, not fetched. */
  attachments: string[];
}

/** A write that failed part-way: the batches before it stay, and running the import again finishes it. */
export class WxrImportStopped extends Error {
  override name = 'WxrImportStopped';
  constructor(readonly report: ImportReport, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export interface ImportDeps {
  db: Db;
  repos: Pick<Repositories, 'users' | 'posts' | 'importSources'>;
  services: Pick<Services, 'users' | 'posts' | 'comments'>;
  clock: Clock;
}

const COMMENT_STATUS: Record<string, CommentStatus> = { '1': 'approved', '0': 'pending', spam: 'spam', trash: 'trash', 'post-trashed': 'trash' };
const POST_STATUS: Record<string, PostStatus> = { publish: 'published', future: 'published', draft: 'draft', pending: 'draft', private: 'draft' };

const WP_DATE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WP_ID = /^\d{1,15}$/;

/**
 * WordPress "Y-m-d H:i:s" (UTC when from a _gmt field) or an RFC 822 date; null for none
 * (empty, or WordPress's zero date); undefined when it is not a date at all.
 */
export function wpDate(raw: string): Date | null | undefined {
  if (raw === '' || raw.startsWith('0000-00-00')) return null;
  const m = WP_DATE.exec(raw);
  if (!m) {
    const date = new Date(raw);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const [year, month, day, hour, minute, second] = m.slice(1).map((n) => Number(n ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls "2024-02-31" over into March: a day that does not exist is no date.
  const exact = date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return exact ? date : undefined;
}

const firstDate = (...candidates: string[]): Date | undefined => {
  for (const raw of candidates) {
    const date = wpDate(raw);
    if (date) return date;
  }
  return undefined;
};

/** The site an export came from, as imports recognise it: host and path, no scheme, no trailing slash. */
export function siteKey(address: string): string {
  let key: string;
  try {
    const url = new URL(address);
    key = `${url.host}${url.pathname}`.toLowerCase();
  } catch {
    key = address.toLowerCase();
  }
  while (key.endsWith('/')) key = key.slice(0, -1);
  return key;
}

/** A commenter's site only when it is an http(s) address: pages print it as a link. */
function webUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && raw.length <= 2000 ? raw : '';
  } catch {
    return '';
  }
}

const kindOf = (item: WxrItem): 'post' | 'page' | undefined =>
  (item.type === 'post' || item.type === 'page') && POST_STATUS[item.status] ? item.type : undefined;
const isComment = (c: WxrComment) => c.type === '' || c.type === 'comment';

/** Why an item the import would write cannot be read, or undefined when it can. */
export function itemProblem(item: WxrItem): string | undefined {
  if (!WP_ID.test(item.postId)) return item.postId ? `has wp:post_id “${item.postId}”, which is not a WordPress id` : 'has no wp:post_id';
  for (const name of ['postDate', 'postDateGmt'] as const) {
    if (wpDate(item[name]) === undefined) return `has ${name === 'postDate' ? 'wp:post_date' : 'wp:post_date_gmt'} “${item[name]}”, which is not a date`;
  }
  const ids = new Set<string>();
  for (const c of item.comments.filter(isComment)) {
    if (!WP_ID.test(c.id)) return c.id ? `has a comment with wp:comment_id “${c.id}”, which is not a WordPress id` : 'has a comment with no wp:comment_id';
    if (ids.has(c.id)) return `has two comments with wp:comment_id ${c.id}`;
    ids.add(c.id);
    if (c.parent !== '' && !WP_ID.test(c.parent)) return `has a comment (wp:comment_id ${c.id}) whose wp:comment_parent “${c.parent}” is not a WordPress id`;
    if (wpDate(c.date) === undefined) return `has a comment (wp:comment_id ${c.id}) whose wp:comment_date “${c.date}” is not a date`;
    if (wpDate(c.dateGmt) === undefined) return `has a comment (wp:comment_id ${c.id}) whose wp:comment_date_gmt “${c.dateGmt}” is not a date`;
  }
  return undefined;
}

/** What the first pass learns: the file is sound, where it came from, who wrote it. */
interface Survey {
  site: string;
  generator: string;
}

/** The first pass: reads the whole file and throws WxrImportError at the first thing an import cannot use. */
async function survey(source: WxrSource): Promise<Survey> {
  const channel = new Map<string, string>();
  const postIds = new Set<string>();
  for await (const entry of readWxr(source)) {
    if (entry.kind === 'channel' && !channel.has(entry.name)) channel.set(entry.name, entry.text);
    if (entry.kind !== 'item' || !kindOf(entry.item)) continue;
    const { item } = entry;
    const problem = itemProblem(item) ?? (postIds.has(item.postId) ? `has wp:post_id ${item.postId}, as an earlier item does` : undefined);
    if (problem) throw new WxrImportError(`The item at line ${item.line}${item.title ? ` (“${item.title.slice(0, 80)}”)` : ''} ${problem}.`);
    postIds.add(item.postId);
  }
  // base_blog_url names the blog itself; base_site_url is the whole network on a WordPress multisite.
  const address = ['wp:base_blog_url', 'link', 'wp:base_site_url'].map((name) => channel.get(name) ?? '').find(Boolean);
  if (!address) {
    throw new WxrImportError('The file names no site address (the channel’s <link> or <wp:base_site_url>), which every WordPress export has: without it a later import could not recognise these posts.');
  }
  return { site: siteKey(address), generator: channel.get('generator') ?? '' };
}

/**
 * In an order where each comment's parent, when it is in the file, comes before it.
 * Parents may come after their replies in an export; a loop is broken where it was entered.
 */
export function parentsFirst(comments: readonly WxrComment[]): WxrComment[] {
  const byId = new Map(comments.map((c) => [c.id, c]));
  const placed = new Set<string>();
  const order: WxrComment[] = [];
  for (const start of comments) {
    const chain: WxrComment[] = [];
    const inChain = new Set<string>();
    let current: WxrComment | undefined = start;
    while (current && !placed.has(current.id) && !inChain.has(current.id)) {
      chain.push(current);
      inChain.add(current.id);
      current = current.parent === '0' ? undefined : byId.get(current.parent);
    }
    for (const c of chain.reverse()) {
      placed.add(c.id);
      order.push(c);
    }
  }
  return order;
}

const noKinds = (): Kinds => ({ posts: 0, pages: 0, comments: 0 });
const noCounts = (): ImportCounts => ({
  usersCreated: 0, usersMatched: 0, posts: 0, pages: 0, comments: 0, alreadyHere: noKinds(), deletedHere: noKinds(), skippedItems: 0, skippedComments: 0,
});

/** What writes did, kept apart until their batch commits: a batch rolled back counts nothing. */
interface Tally {
  counts: ImportCounts;
  createdAuthors: ImportedAuthor[];
  personalData: ImportReport['personalData'];
}
const newTally = (): Tally => ({ counts: noCounts(), createdAuthors: [], personalData: [] });

function addTally(into: Tally, from: Tally): void {
  for (const key of ['usersCreated', 'usersMatched', 'posts', 'pages', 'comments'] as const) into.counts[key] += from.counts[key];
  for (const key of ['posts', 'pages', 'comments'] as const) {
    into.counts.alreadyHere[key] += from.counts.alreadyHere[key];
    into.counts.deletedHere[key] += from.counts.deletedHere[key];
  }
  into.createdAuthors.push(...from.createdAuthors);
  into.personalData.push(...from.personalData);
}

export async function importWxr(deps: ImportDeps, source: WxrSource, { batchSize = BATCH_SIZE } = {}): Promise<ImportReport> {
  const { db, repos, services, clock } = deps;
  const { site, generator } = await survey(source);
  // Our own export writes titles exactly; WordPress keeps some with HTML entities.
  const plain = generator === 'Colloquy' ? (s: string) => s : decodeEntities;
  const done = newTally();
  let pending = newTally();
  const attachments: string[] = [];

  const userByLogin = new Map<string, number>();
  const userByWpId = new Map<string, number>();
  function userFor(login: string, displayName = '', email = ''): number {
    const key = login.toLowerCase();
    const known = userByLogin.get(key);
    if (known !== undefined) return known;
    const author = services.users.importAuthor(login, displayName, email);
    if (author.created) {
      pending.createdAuthors.push(author);
      pending.counts.usersCreated++;
    } else {
      pending.counts.usersMatched++;
    }
    userByLogin.set(key, author.id);
    return author.id;
  }
  // Items with no author go to the first administrator, who is the one importing.
  let fallback: number | undefined;
  const fallbackAuthor = () => (fallback ??= repos.users.list().find((u) => u.role === 'admin')?.id ?? userFor('wordpress', 'WordPress'));

  /** Writes one post or page, or finds it imported before; its local id, or null to leave its comments out. */
  function writePost(item: WxrItem, kind: 'post' | 'page'): number | null {
    const wpId = Number(item.postId);
    const earlier = repos.importSources.findPost(site, wpId, item.guid);
    if (earlier !== undefined) {
      (earlier === null ? pending.counts.deletedHere : pending.counts.alreadyHere)[`${kind}s`]++;
      return earlier;
    }
    const status = POST_STATUS[item.status]!;
    // A draft's zero post_date_gmt means "no date chosen": its post_date is only when it was saved.
    const publishedAt = status === 'draft' ? firstDate(item.postDateGmt) : firstDate(item.postDateGmt, item.postDate, item.pubDate);
    let slug = item.slug;
    try {
      slug = decodeURIComponent(slug);
    } catch {
      // Not percent-encoded after all: keep it as written.
    }
    const tags = item.categories
      .filter((c) => (c.domain === 'post_tag' || c.domain === 'category') && c.nicename !== 'uncategorized')
      .map((c) => plain(c.name));
    const creator = item.creator.slice(0, 200);
    const { id, findings } = services.posts.importPost({
      kind,
      author_id: creator ? userFor(creator) : fallbackAuthor(),
      title: plain(item.title) || '(untitled)',
      slug,
      body_md: item.markdown ?? item.content,
      excerpt: plain(item.excerpt),
      tags,
      status,
      published_at: publishedAt ?? null,
      comments_open: item.commentStatus !== 'closed',
    });
    repos.importSources.recordPost(site, wpId, item.guid, id);
    if (findings.length) {
      const stored = repos.posts.findById(id)!;
      pending.personalData.push({ slug: stored.slug, title: stored.title, findings: describeFindings(findings) });
    }
    pending.counts[`${kind}s`]++;
    return id;
  }

  /** Writes one comment on local post `postId` unless imported before; its parent found by WordPress id, from this file or an earlier one. */
  function writeComment(postId: number, c: WxrComment, postDate: Date): void {
    const wpId = Number(c.id);
    const earlier = repos.importSources.findComment(postId, wpId);
    if (earlier !== undefined) {
      (earlier === null ? pending.counts.deletedHere : pending.counts.alreadyHere).comments++;
      return;
    }
    // A parent missing from the file and from earlier imports, or deleted here, leaves the comment at the top level.
    const parentId = c.parent && c.parent !== '0' ? repos.importSources.findComment(postId, Number(c.parent)) ?? null : null;
    const id = services.comments.insertAsWritten({
      post_id: postId,
      parent_id: parentId,
      user_id: userByWpId.get(c.userId) ?? null,
      author_name: plain(c.author).slice(0, 100) || 'Anonymous',
      author_email: c.email.slice(0, 254),
      author_url: webUrl(c.url),
      body_md: c.markdown ?? commentHtmlToMarkdown(c.content),
      status: COMMENT_STATUS[c.approved] ?? 'pending',
      held_reason: '',
      ip_hash: '',
      user_agent: '',
    }, (firstDate(c.dateGmt, c.date) ?? postDate).toISOString());
    repos.importSources.recordComment(postId, wpId, id);
    pending.counts.comments++;
  }

  let units: (() => void)[] = [];
  // Runs units until the batch is done or has held the lock for BATCH_MS; how many ran.
  const writeBatch = db.transaction((batch: (() => void)[], started: number): number => {
    let ran = 0;
    while (ran < batch.length) {
      batch[ran++]!();
      if (performance.now() - started >= BATCH_MS) break;
    }
    return ran;
  });
  async function flush(): Promise<void> {
    while (units.length) {
      const started = performance.now();
      try {
        units = units.slice(writeBatch.immediate(units, started));
      } catch (err) {
        throw new WxrImportStopped(report(), err);
      }
      addTally(done, pending);
      pending = newTally();
      await sleep(Math.max(MIN_REST_MS, (performance.now() - started) * REST_FRACTION));
    }
  }
  async function add(unit: () => void): Promise<void> {
    units.push(unit);
    if (units.length >= batchSize) await flush();
  }
  function report(): ImportReport {
    const byName = (a: ImportedAuthor, b: ImportedAuthor) => a.username.toLowerCase().localeCompare(b.username.toLowerCase());
    return { counts: done.counts, createdAuthors: [...done.createdAuthors].sort(byName), personalData: done.personalData, attachments };
  }

  for await (const entry of readWxr(source)) {
    if (entry.kind === 'author') {
      const { author } = entry;
      const login = author.login.slice(0, 200);
      if (login) await add(() => void userByWpId.set(author.id, userFor(login, plain(author.displayName), author.email)));
      continue;
    }
    if (entry.kind !== 'item') continue;
    const { item } = entry;
    if (item.type === 'attachment') {
      attachments.push(item.attachmentUrl || item.guid);
      continue;
    }
    const kind = kindOf(item);
    if (!kind) {
      done.counts.skippedItems++;
      continue;
    }
    let postId: number | null = null;
    await add(() => void (postId = writePost(item, kind)));
    const postDate = firstDate(item.postDateGmt, item.postDate, item.pubDate) ?? new Date(clock());
    done.counts.skippedComments += item.comments.filter((c) => !isComment(c)).length;
    for (const c of parentsFirst(item.comments.filter(isComment))) {
      await add(() => {
        if (postId !== null) writeComment(postId, c, postDate);
      });
    }
  }
  await flush();
  return report();
}
