// Writes the whole blog as a WordPress eXtended RSS (WXR 1.2) document, piece by
// piece through `write`, so a large blog never sits in memory as one string.
//
// content:encoded holds the rendered, sanitised HTML, because every WXR reader
// (WordPress first) expects HTML there; the Markdown source travels beside it as
// the meta key `_colloquy_markdown` (WordPress keeps unknown meta), and our own
// import prefers it, so a round trip loses nothing.
import type { Comment, CommentStatus } from '../comments/comments-repository.js';
import { absoluteUrls } from '../feeds/absolute-urls.js';
import { cdata, escapeXml } from '../feeds/xml.js';
import type { Post } from '../posts/posts-repository.js';
import type { Tag } from '../posts/tags-repository.js';
import type { Repositories } from '../repositories.js';

export const MARKDOWN_META_KEY = '_colloquy_markdown';
export const WXR_NAMESPACE = 'http://wordpress.org/export/1.2/';

export interface ExportCounts {
  posts: number;
  pages: number;
  comments: number;
}

const APPROVED: Record<CommentStatus, string> = { approved: '1', pending: '0', spam: 'spam', trash: 'trash' };

const utcDate = (iso: string): string => iso.slice(0, 19).replace('T', ' ');

/**
 * WordPress's "Y-m-d H:i:s" wall-clock time in the site's zone. One formatter per
 * export: making an Intl formatter per date was most of an export's time.
 */
function localDateFormatter(timeZone: string): (iso: string) => string {
  if (timeZone === 'UTC') return utcDate;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  return (iso) => {
    const p = Object.fromEntries(format.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  };
}

function wpStatus(post: Post, now: string): string {
  // WordPress's own word: its importer, and ours, leave a trashed post out.
  if (post.trashed_at !== null) return 'trash';
  if (post.status === 'draft') return 'draft';
  return post.published_at && post.published_at > now ? 'future' : 'publish';
}

const tag = (name: string, value: string) => `<${name}>${cdata(value)}</${name}>`;
const meta = (prefix: 'post' | 'comment', key: string, value: string) =>
  `<wp:${prefix}meta><wp:meta_key>${cdata(key)}</wp:meta_key><wp:meta_value>${cdata(value)}</wp:meta_value></wp:${prefix}meta>`;

export function exportWxr(repos: Repositories, baseUrl: string, write: (chunk: string) => void, now = new Date().toISOString()): ExportCounts {
  const site = repos.settings.load();
  const localDate = localDateFormatter(site.timezone);
  const authors = repos.wxr.listAuthors();
  const loginOf = new Map(authors.map((a) => [a.id, a.username]));
  const postTags = repos.wxr.listPostTags();
  const tagsByPost = groupByPost(postTags);
  const allTags = new Map<string, Tag>(postTags.map(({ post_id: _, ...t }) => [t.slug, t]));
  const commentsByPost = groupByPost(repos.wxr.listComments());

  write(`<?xml version="1.0" encoding="UTF-8"?>
<!-- A WordPress eXtended RSS (WXR) export of a Colloquy blog. -->
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="${WXR_NAMESPACE}">
<channel>
  <title>${escapeXml(site.title)}</title>
  <link>${escapeXml(baseUrl)}</link>
  <description>${escapeXml(site.tagline)}</description>
  <pubDate>${new Date(now).toUTCString()}</pubDate>
  <language>en</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>${escapeXml(baseUrl)}</wp:base_site_url>
  <wp:base_blog_url>${escapeXml(baseUrl)}</wp:base_blog_url>
  <generator>Colloquy</generator>
`);
  for (const a of authors) {
    write(`  <wp:author><wp:author_id>${a.id}</wp:author_id>${tag('wp:author_login', a.username)}${tag('wp:author_email', a.email)}${tag('wp:author_display_name', a.display_name)}${tag('wp:author_first_name', '')}${tag('wp:author_last_name', '')}</wp:author>\n`);
  }
  let termId = 0;
  for (const t of allTags.values()) {
    write(`  <wp:tag><wp:term_id>${++termId}</wp:term_id>${tag('wp:tag_slug', t.slug)}${tag('wp:tag_name', t.name)}</wp:tag>\n`);
  }

  const counts: ExportCounts = { posts: 0, pages: 0, comments: 0 };
  for (const post of repos.wxr.iteratePosts()) {
    counts[post.kind === 'page' ? 'pages' : 'posts']++;
    const when = post.published_at ?? post.created_at;
    const comments = commentsByPost.get(post.id) ?? [];
    counts.comments += comments.length;
    write(`  <item>
    ${tag('title', post.title)}
    <link>${escapeXml(`${baseUrl}/posts/${post.slug}`)}</link>
    <pubDate>${new Date(when).toUTCString()}</pubDate>
    ${tag('dc:creator', loginOf.get(post.author_id) ?? '')}
    <guid isPermaLink="false">${escapeXml(`${baseUrl}/?p=${post.id}`)}</guid>
    <description></description>
    ${tag('content:encoded', absoluteUrls(post.body_html, baseUrl))}
    ${tag('excerpt:encoded', post.excerpt)}
    <wp:post_id>${post.id}</wp:post_id>
    ${tag('wp:post_date', localDate(when))}
    ${tag('wp:post_date_gmt', post.published_at ? utcDate(post.published_at) : '0000-00-00 00:00:00')}
    ${tag('wp:post_modified', localDate(post.updated_at))}
    ${tag('wp:post_modified_gmt', utcDate(post.updated_at))}
    ${tag('wp:comment_status', post.comments_open ? 'open' : 'closed')}
    ${tag('wp:ping_status', 'closed')}
    ${tag('wp:post_name', post.slug)}
    ${tag('wp:status', wpStatus(post, now))}
    <wp:post_parent>0</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    ${tag('wp:post_type', post.kind)}
    ${tag('wp:post_password', '')}
    <wp:is_sticky>0</wp:is_sticky>
`);
    for (const t of tagsByPost.get(post.id) ?? []) {
      write(`    <category domain="post_tag" nicename="${escapeXml(t.slug)}">${cdata(t.name)}</category>\n`);
    }
    write(`    ${meta('post', MARKDOWN_META_KEY, post.body_md)}\n`);
    for (const c of comments) write(commentXml(c, localDate));
    write('  </item>\n');
  }
  write('</channel>\n</rss>\n');
  return counts;
}

function groupByPost<T extends { post_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.post_id);
    if (group) group.push(row);
    else groups.set(row.post_id, [row]);
  }
  return groups;
}

function commentXml(c: Comment, localDate: (iso: string) => string): string {
  return `    <wp:comment>
      <wp:comment_id>${c.id}</wp:comment_id>
      ${tag('wp:comment_author', c.author_name)}
      ${tag('wp:comment_author_email', c.author_email)}
      ${tag('wp:comment_author_url', c.author_url)}
      ${tag('wp:comment_author_IP', '')}
      ${tag('wp:comment_date', localDate(c.created_at))}
      ${tag('wp:comment_date_gmt', utcDate(c.created_at))}
      ${tag('wp:comment_content', c.body_html)}
      ${tag('wp:comment_approved', APPROVED[c.status])}
      ${tag('wp:comment_type', 'comment')}
      <wp:comment_parent>${c.parent_id ?? 0}</wp:comment_parent>
      <wp:comment_user_id>${c.user_id ?? 0}</wp:comment_user_id>
      ${meta('comment', MARKDOWN_META_KEY, c.body_md)}
    </wp:comment>
`;
}
