// Reads a WordPress eXtended RSS (WXR) export into the blog in one transaction:
// authors, posts and pages with their tags, and comments with their true parents.
// A file that is not well-formed WXR changes nothing and says why. Authors go in
// through the users service (a login that is not a usable name is renamed), posts
// through the posts service, which reports personal data in published posts rather
// than unpublishing them (an import does not change what was public), and comments
// through the comments service, which renders them.
//
// Post bodies from WordPress are HTML and are stored as the Markdown source
// unchanged: Markdown passes HTML through and the post sanitiser cleans it. A
// Colloquy export carries the real Markdown as `_colloquy_markdown`, used when present.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { CommentStatus } from '../comments/comments-repository.js';
import type { Db } from '../db/open.js';
import type { PostStatus } from '../posts/posts-repository.js';
import type { Clock } from '../clock.js';
import type { Repositories } from '../repositories.js';
import { describeFindings } from '../risk/personal-data.js';
import type { Services } from '../services.js';
import type { ImportedAuthor } from '../users/users-service.js';
import { MARKDOWN_META_KEY } from './export-wxr.js';
import { commentHtmlToMarkdown, decodeEntities } from './wordpress-html.js';

export class WxrImportError extends Error {
  override name = 'WxrImportError';
}

export interface ImportCounts {
  usersCreated: number;
  usersMatched: number;
  posts: number;
  pages: number;
  comments: number;
  /** Items that are not posts or pages (attachments, menus, revisions) or are trashed. */
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
}

export interface ImportDeps {
  db: Db;
  repos: Pick<Repositories, 'users' | 'posts'>;
  services: Pick<Services, 'users' | 'posts' | 'comments'>;
  clock: Clock;
}

type Node = Record<string, unknown>;

// Elements that may appear once or many times; always read as lists.
const LISTS = new Set([
  'rss.channel.item', 'rss.channel.wp:author', 'rss.channel.item.category',
  'rss.channel.item.wp:comment', 'rss.channel.item.wp:postmeta', 'rss.channel.item.wp:comment.wp:commentmeta',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (_name, jpath) => LISTS.has(String(jpath)),
});

/** The text of an element however the parser shaped it (string, or object with attributes). */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && '#text' in value) return text((value as Node)['#text']);
  return '';
}
const field = (node: Node, name: string): string => text(node[name]).trim();
const list = (value: unknown): Node[] => (Array.isArray(value) ? value.filter((v): v is Node => !!v && typeof v === 'object') : []);

function metaValue(node: Node, element: string, key: string): string | undefined {
  const found = list(node[element]).find((m) => field(m, 'wp:meta_key') === key);
  return found ? text(found['wp:meta_value']) : undefined;
}

/** WordPress "Y-m-d H:i:s" (UTC when from a _gmt field), or an RFC 822 date; undefined for none. */
function parseWpDate(...candidates: string[]): Date | undefined {
  for (const raw of candidates) {
    if (!raw || raw.startsWith('0000-00-00')) continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(raw);
    const date = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0))) : new Date(raw);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return undefined;
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

const COMMENT_STATUS: Record<string, CommentStatus> = { '1': 'approved', '0': 'pending', spam: 'spam', trash: 'trash', 'post-trashed': 'trash' };
const POST_STATUS: Record<string, PostStatus> = { publish: 'published', future: 'published', draft: 'draft', pending: 'draft', private: 'draft' };

// Markup that holds text, not declarations: skipped whole, so "<!DOCTYPE" written in a
// post (inside CDATA) or in a comment is not one, and a comment cannot hide one either.
const SKIPPED: readonly [string, string][] = [['<!--', '-->'], ['<![CDATA[', ']]>'], ['<?', '?>']];

/**
 * The first DOCTYPE or ENTITY declaration anywhere in the markup of the file, or
 * undefined. One pass with indexOf: linear in the file's length.
 */
function findDeclaration(xml: string): 'DOCTYPE' | 'ENTITY' | undefined {
  for (let at = xml.indexOf('<'); at !== -1; at = xml.indexOf('<', at + 1)) {
    const skipped = SKIPPED.find(([open]) => xml.startsWith(open, at));
    if (skipped) {
      const end = xml.indexOf(skipped[1], at + skipped[0].length);
      if (end === -1) return undefined; // unterminated: the XML check refuses the file
      at = end + skipped[1].length - 1;
      continue;
    }
    const word = xml.slice(at + 2, at + 9).toUpperCase();
    if (xml[at + 1] === '!' && word.startsWith('DOCTYPE')) return 'DOCTYPE';
    if (xml[at + 1] === '!' && word.startsWith('ENTITY')) return 'ENTITY';
  }
  return undefined;
}

/** Parses and checks a WXR document; throws WxrImportError when it is not one. */
function readChannel(xml: string): Node {
  xml = xml.replace(/^\uFEFF/, ''); // a byte-order mark, as some editors save
  // WordPress never writes a DOCTYPE; one here could only declare entities to expand.
  const declaration = findDeclaration(xml);
  if (declaration !== undefined) {
    throw new WxrImportError(`The file declares ${declaration === 'DOCTYPE' ? 'a DOCTYPE' : 'an ENTITY'}, which a WordPress export never has; it was not imported.`);
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new WxrImportError(`The file is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg}`);
  }
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    throw new WxrImportError(`The file could not be read as XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const rss = doc.rss as Node | undefined;
  const channel = rss && typeof rss === 'object' ? (rss.channel as Node | undefined) : undefined;
  const wpNamespace = rss ? text(rss['@_xmlns:wp']) : '';
  if (!channel || typeof channel !== 'object' || !/^https?:\/\/wordpress\.org\/export\/1\.[0-2]\/$/.test(wpNamespace)) {
    throw new WxrImportError('The file is not a WordPress export (WXR): it needs an <rss> with a <channel> and the wp: namespace of WXR 1.0 to 1.2.');
  }
  return channel;
}

export function importWxr({ db, repos, services, clock }: ImportDeps, xml: string): ImportReport {
  const channel = readChannel(xml);
  // Our own export writes titles exactly; WordPress keeps some with HTML entities.
  const plain = field(channel, 'generator') === 'Colloquy' ? (s: string) => s : decodeEntities;
  const counts: ImportCounts = { usersCreated: 0, usersMatched: 0, posts: 0, pages: 0, comments: 0, skippedItems: 0, skippedComments: 0 };
  const createdAuthors: ImportedAuthor[] = [];
  const personalData: ImportReport['personalData'] = [];

  const run = db.transaction(() => {
    const userByLogin = new Map<string, number>();
    const userByWpId = new Map<string, number>();

    function userFor(login: string, displayName = '', email = ''): number {
      const key = login.toLowerCase();
      const known = userByLogin.get(key);
      if (known !== undefined) return known;
      const author = services.users.importAuthor(login, displayName, email);
      if (author.created) {
        createdAuthors.push(author);
        counts.usersCreated++;
      } else {
        counts.usersMatched++;
      }
      userByLogin.set(key, author.id);
      return author.id;
    }

    for (const a of list(channel['wp:author'])) {
      const login = field(a, 'wp:author_login').slice(0, 200);
      if (!login) continue;
      const id = userFor(login, plain(field(a, 'wp:author_display_name')), field(a, 'wp:author_email'));
      userByWpId.set(field(a, 'wp:author_id'), id);
    }
    // Items with no author go to the first administrator, who is the one importing.
    let fallback: number | undefined;
    const fallbackAuthor = () => (fallback ??= repos.users.list().find((u) => u.role === 'admin')?.id ?? userFor('wordpress', 'WordPress'));

    for (const item of list(channel.item)) {
      const type = field(item, 'wp:post_type') || 'post';
      const status = POST_STATUS[field(item, 'wp:status') || 'publish'];
      if ((type !== 'post' && type !== 'page') || !status) {
        counts.skippedItems++;
        continue;
      }
      const creator = field(item, 'dc:creator').slice(0, 200);
      // A draft's zero post_date_gmt means "no date chosen": its post_date is only when it was saved.
      const publishedAt = status === 'draft'
        ? parseWpDate(field(item, 'wp:post_date_gmt'))
        : parseWpDate(field(item, 'wp:post_date_gmt'), field(item, 'wp:post_date'), field(item, 'pubDate'));
      let slug = field(item, 'wp:post_name');
      try {
        slug = decodeURIComponent(slug);
      } catch {
        // Not percent-encoded after all: keep it as written.
      }
      const tags = list(item.category)
        .filter((c) => {
          const domain = text(c['@_domain']);
          return (domain === 'post_tag' || domain === 'category') && text(c['@_nicename']) !== 'uncategorized';
        })
        .map((c) => plain(text(c).trim()));
      const { id: postId, findings } = services.posts.importPost({
        kind: type,
        author_id: creator ? userFor(creator) : fallbackAuthor(),
        title: plain(field(item, 'title')) || '(untitled)',
        slug,
        body_md: metaValue(item, 'wp:postmeta', MARKDOWN_META_KEY) ?? text(item['content:encoded']),
        excerpt: plain(field(item, 'excerpt:encoded')),
        tags,
        status,
        published_at: publishedAt ?? null,
        comments_open: field(item, 'wp:comment_status') !== 'closed',
      });
      if (findings.length) {
        const stored = repos.posts.findById(postId)!;
        personalData.push({ slug: stored.slug, title: stored.title, findings: describeFindings(findings) });
      }
      counts[type === 'page' ? 'pages' : 'posts']++;
      importComments(item, postId, publishedAt ?? new Date(clock()), userByWpId);
    }
  });

  function importComments(item: Node, postId: number, postDate: Date, userByWpId: Map<string, number>) {
    const comments = list(item['wp:comment']).filter((c) => {
      const kind = field(c, 'wp:comment_type');
      const isComment = kind === '' || kind === 'comment';
      if (!isComment) counts.skippedComments++;
      return isComment;
    });
    const byWpId = new Map(comments.map((c) => [field(c, 'wp:comment_id'), c]));
    const newIds = new Map<string, number>();

    function insert(c: Node, parentId: number | null): number {
      const body_md = metaValue(c, 'wp:commentmeta', MARKDOWN_META_KEY) ?? commentHtmlToMarkdown(text(c['wp:comment_content']));
      const createdAt = parseWpDate(field(c, 'wp:comment_date_gmt'), field(c, 'wp:comment_date')) ?? postDate;
      counts.comments++;
      return services.comments.insertAsWritten({
        post_id: postId,
        parent_id: parentId,
        user_id: userByWpId.get(field(c, 'wp:comment_user_id')) ?? null,
        author_name: plain(field(c, 'wp:comment_author')).slice(0, 100) || 'Anonymous',
        author_email: field(c, 'wp:comment_author_email').slice(0, 254),
        author_url: webUrl(field(c, 'wp:comment_author_url')),
        body_md,
        status: COMMENT_STATUS[field(c, 'wp:comment_approved')] ?? 'pending',
        held_reason: '',
        ip_hash: '',
        user_agent: '',
      }, createdAt.toISOString());
    }

    // Parents may come after their replies in the file: from each comment, walk up to
    // the nearest ancestor already stored (or the root), then store that chain top-down.
    // A parent missing from the file, or a loop, leaves the comment at the top level.
    for (const start of comments) {
      const chain: Node[] = [];
      const seen = new Set<string>();
      let current: Node | undefined = start;
      while (current && !newIds.has(field(current, 'wp:comment_id')) && !seen.has(field(current, 'wp:comment_id'))) {
        seen.add(field(current, 'wp:comment_id'));
        chain.push(current);
        const parent = field(current, 'wp:comment_parent');
        current = parent && parent !== '0' ? byWpId.get(parent) : undefined;
      }
      for (const c of chain.reverse()) {
        newIds.set(field(c, 'wp:comment_id'), insert(c, newIds.get(field(c, 'wp:comment_parent')) ?? null));
      }
    }
  }

  run();
  const byName = (a: ImportedAuthor, b: ImportedAuthor) => a.username.toLowerCase().localeCompare(b.username.toLowerCase());
  return { counts, createdAuthors: createdAuthors.sort(byName), personalData };
}
