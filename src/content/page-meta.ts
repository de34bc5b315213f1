// What a page tells search engines and social sites about itself: the meta description,
// the canonical address, OpenGraph and Twitter card tags and schema.org JSON-LD. Pure:
// plain values in, a list of tags and JSON-LD objects out; views/partials/head.ejs renders them.
import { firstImage } from '../posts/post-facts.js';
import { decodeEntities } from '../wxr/wordpress-html.js';

export interface HeadSite {
  title: string;
  tagline: string;
}

export interface MetaTag {
  /** OpenGraph's tags are `property`, the description and Twitter's are `name`. */
  attribute: 'name' | 'property';
  key: string;
  content: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonLd = { [key: string]: JsonValue };

export interface PageHead {
  description: string;
  /** Absolute; absent for a page nobody should link to (an error, an answer to a POST). */
  canonical?: string;
  tags: MetaTag[];
  jsonLd: JsonLd[];
}

/** An approved comment as structured data may show it: nothing held, no email. */
export interface LdComment {
  id: number;
  author_name: string;
  created_at: string;
  body_html: string;
}

export interface PostSubject {
  kind: 'post';
  post: {
    kind: 'post' | 'page';
    title: string;
    summary: string;
    body_html: string;
    published: string;
    modified: string;
    comment_count: number;
  };
  author: string;
  tags: readonly { name: string }[];
  /** The post's approved comments, in any order: the newest MAX_LD_COMMENTS are shown, oldest first. */
  comments: readonly LdComment[];
}

export interface ListedPost {
  title: string;
  slug: string;
  published: string;
  author: string;
}

export interface ListingSubject {
  kind: 'listing';
  listing: 'home' | 'tag' | 'archive';
  page: number;
  posts: readonly ListedPost[];
}

export interface HeadInput {
  site: HeadSite;
  /** Public origin without a trailing slash. */
  baseUrl: string;
  /** The page's own title, without the site's name. */
  title?: string;
  description?: string;
  /** A path on the site; null for a page that has no address worth sharing. */
  canonical: string | null;
  subject?: PostSubject | ListingSubject;
}

/** Comments shown in a post's JSON-LD, and the characters of each one's text: the block stays a few kilobytes. */
export const MAX_LD_COMMENTS = 20;
export const LD_COMMENT_CHARS = 280;
const DESCRIPTION_CHARS = 300;

const SCHEMA = 'https://schema.org';

/** The head's tags and structured data for one page. */
export function pageHead({ site, baseUrl, title, description, canonical, subject }: HeadInput): PageHead {
  const text = clip(description || defaultDescription(site, title, subject), DESCRIPTION_CHARS);
  const tags: MetaTag[] = [{ attribute: 'name', key: 'description', content: text }];
  // Without an address there is nothing to share: the page keeps its description only.
  if (canonical === null) return { description: text, tags, jsonLd: [] };
  const url = `${baseUrl}${canonical}`;
  const article = subject?.kind === 'post' && subject.post.kind === 'post' ? subject : undefined;
  const image = subject?.kind === 'post' ? firstImage(subject.post.body_html, baseUrl) : undefined;
  const og = (key: string, content: string) => tags.push({ attribute: 'property', key, content });
  og('og:type', article ? 'article' : 'website');
  og('og:title', subject?.kind === 'post' ? subject.post.title : title ?? site.title);
  og('og:description', text);
  og('og:url', url);
  og('og:site_name', site.title);
  if (image) {
    og('og:image', image.src);
    if (image.alt) og('og:image:alt', image.alt);
  }
  if (article) {
    og('article:published_time', article.post.published);
    og('article:modified_time', article.post.modified);
    og('article:author', article.author);
    for (const tag of article.tags) og('article:tag', tag.name);
  }
  tags.push({ attribute: 'name', key: 'twitter:card', content: image ? 'summary_large_image' : 'summary' });
  return { description: text, canonical: url, tags, jsonLd: structuredData({ site, baseUrl, url, text, title, subject, image: image?.src }) };
}

function defaultDescription(site: HeadSite, title: string | undefined, subject: HeadInput['subject']): string {
  if (subject?.kind === 'post' && subject.post.summary) return subject.post.summary;
  if (subject?.kind === 'listing' && title) return site.tagline ? `${title} on ${site.title}: ${site.tagline}` : `${title} on ${site.title}`;
  if (subject || !title) return site.tagline || site.title;
  return `${title} – ${site.title}`;
}

interface LdInput {
  site: HeadSite;
  baseUrl: string;
  url: string;
  text: string;
  title: string | undefined;
  subject: HeadInput['subject'];
  image: string | undefined;
}

function structuredData({ site, baseUrl, url, text, title, subject, image }: LdInput): JsonLd[] {
  if (subject?.kind === 'post') {
    const { post } = subject;
    if (post.kind === 'page') return [{ '@context': SCHEMA, '@type': 'WebPage', name: post.title, url, description: text }];
    const comments = newest(subject.comments, MAX_LD_COMMENTS);
    return [{
      '@context': SCHEMA,
      '@type': 'BlogPosting',
      headline: post.title,
      description: text,
      url,
      mainEntityOfPage: url,
      datePublished: post.published,
      dateModified: post.modified,
      author: person(subject.author),
      ...(image ? { image } : {}),
      ...(subject.tags.length ? { keywords: subject.tags.map((t) => t.name) } : {}),
      isPartOf: { '@type': 'Blog', name: site.title, url: `${baseUrl}/` },
      commentCount: post.comment_count,
      comment: comments.map((c) => ({
        '@type': 'Comment',
        url: `${baseUrl}/comments/${c.id}`,
        author: person(c.author_name),
        dateCreated: c.created_at,
        text: clip(commentText(c.body_html, LD_COMMENT_CHARS), LD_COMMENT_CHARS),
      })),
    }];
  }
  if (subject?.kind !== 'listing') return [];
  const home = `${baseUrl}/`;
  const blog: JsonLd = {
    '@context': SCHEMA,
    '@type': 'Blog',
    name: subject.listing === 'home' ? site.title : `${title ?? site.title} – ${site.title}`,
    url,
    description: text,
    blogPost: subject.posts.map((p) => ({
      '@type': 'BlogPosting',
      headline: p.title,
      url: `${baseUrl}/posts/${p.slug}`,
      datePublished: p.published,
      author: person(p.author),
    })),
  };
  if (subject.listing !== 'home' || subject.page > 1) return [blog];
  return [{
    '@context': SCHEMA,
    '@type': 'WebSite',
    name: site.title,
    url: home,
    ...(site.tagline ? { description: site.tagline } : {}),
    potentialAction: {
      '@type': 'SearchAction',
      target: { '@type': 'EntryPoint', urlTemplate: `${baseUrl}/search?q={search_term_string}` },
      'query-input': 'required name=search_term_string',
    },
  }, blog];
}

const person = (name: string): JsonLd => ({ '@type': 'Person', name });

/** The newest `n` comments, oldest first, in one pass: a thread of 10,000 is not sorted to show 20. */
function newest(comments: readonly LdComment[], n: number): LdComment[] {
  const kept: LdComment[] = [];
  for (const c of comments) {
    if (kept.length === n && byTime(c, kept[0]!) < 0) continue;
    let at = kept.length;
    while (at > 0 && byTime(kept[at - 1]!, c) > 0) at--;
    kept.splice(at, 0, c);
    if (kept.length > n) kept.shift();
  }
  return kept;
}

const byTime = (a: LdComment, b: LdComment): number => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id);

// A comment's stored HTML is our own sanitiser's output: every tag closed, every `<` in
// text escaped, so its tags can be dropped by pattern, as the sanitiser (htmlToText) drops
// them, at a fraction of its cost on every uncached render. Only its start is read:
// however long the comment, the work is bounded by what is shown.
const TAG = /<[^<>]*>/g;
const SPACES = /\s+/g;
const HTML_READ_PER_CHAR = 8;

/** The plain text of the start of a comment's sanitised HTML (at least `chars` characters of it, where it has them). */
function commentText(html: string, chars: number): string {
  let start = html.slice(0, chars * HTML_READ_PER_CHAR);
  // A tag cut in two would read as text.
  if (start.lastIndexOf('<') > start.lastIndexOf('>')) start = start.slice(0, start.lastIndexOf('<'));
  return decodeEntities(start.replace(TAG, '')).replace(SPACES, ' ').trim();
}

/** At most `max` characters (whole code points), with an ellipsis when cut. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - 1).join('').trimEnd()}…`;
}

/**
 * JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&` as JSON
 * escapes, so no text inside ("</script>", "<!--") can end or bend the element, and
 * the line separators JavaScript once refused, likewise.
 */
export function jsonLdText(value: JsonLd): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
