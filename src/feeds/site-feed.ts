// The site's feeds of newest posts, RSS 2.0 and Atom, built with the `feed` package
// (JSON Feed 1.1 beside them in json-feed.ts).
// Pure: plain posts in, XML out, so the rules are tested without a server.
import { Feed, type Item } from 'feed';
import { escapeHtml } from '../markdown.js';
import type { PostView } from '../posts/posts-repository.js';
import type { Tag } from '../posts/tags-repository.js';
import { bylineName, postTimes } from '../posts/post-facts.js';
import { absoluteUrls } from './absolute-urls.js';
import { moduleElement } from './rss-modules.js';
import { htmlNode, textNode } from './xml.js';

export interface FeedPost extends PostView {
  tags: readonly Tag[];
}

export interface SiteFeedInput {
  title: string;
  tagline: string;
  /** Public origin without a trailing slash. */
  baseUrl: string;
  /** Newest first; only public posts. */
  posts: readonly FeedPost[];
}

export interface SiteFeed {
  rss: string;
  atom: string;
  /** When the newest item last changed (the epoch for an empty blog), for Last-Modified. */
  updated: Date;
}

function itemTimes(post: PostView): { published: Date; updated: Date } {
  const { published, modified } = postTimes(post);
  return { published: new Date(published), updated: new Date(modified) };
}

/** When the newest item last changed (the epoch for an empty blog). */
export function feedUpdated(posts: readonly PostView[]): Date {
  return posts.reduce((newest, p) => {
    const t = itemTimes(p).updated;
    return t > newest ? t : newest;
  }, new Date(0));
}

/** A permanent id that survives slug changes: a tag: URI (RFC 4151) from the host and the post's creation date. */
export function postId(baseUrl: string, post: PostView): string {
  return `tag:${new URL(baseUrl).hostname},${post.created_at.slice(0, 10)}:post-${post.id}`;
}

export function buildSiteFeed({ title, tagline, baseUrl, posts }: SiteFeedInput): SiteFeed {
  const updated = feedUpdated(posts);
  const options = {
    id: `${baseUrl}/`,
    link: `${baseUrl}/`,
    title: textNode(title),
    description: textNode(tagline),
    language: 'en',
    updated,
    generator: 'Colloquy',
    feedLinks: { rss: `${baseUrl}/feed`, atom: `${baseUrl}/feed/atom` },
  };
  const rss = new Feed(options);
  const atom = new Feed(options);

  for (const post of posts) {
    const { published, updated: changed } = itemTimes(post);
    const link = `${baseUrl}/posts/${post.slug}`;
    const common = {
      id: postId(baseUrl, post),
      link,
      date: changed,
      published,
      // Stored, sanitised HTML with site paths made absolute; an empty body still gets an element so the
      // content namespace (which also declares dc:) is always present.
      content: htmlNode(absoluteUrls(post.body_html, baseUrl)) || '<p></p>',
      description: htmlNode(escapeHtml(post.summary)),
    } satisfies Partial<Item>;
    rss.addItem({
      ...common,
      title: '',
      category: post.tags.map((t) => ({ name: textNode(t.name) })),
      extensions: [
        // RSS <title> as escaped text rather than the package's CDATA, and the author
        // as dc:creator: RSS's own <author> must be an email address, which is never published.
        { name: 'title', objects: { _text: textNode(post.title) } },
        { name: 'dc:creator', objects: { _text: textNode(bylineName(post)) } },
        // The discussion, as WordPress's feeds give it: the thread, its feed and its approved count.
        { name: 'comments', objects: { _text: textNode(`${link}#comments`) } },
        moduleElement('wfw', 'commentRss', `${link}/feed`),
        moduleElement('slash', 'comments', String(post.comment_count)),
      ],
    });
    atom.addItem({
      ...common,
      // Atom titles are type="html": the plain title, escaped once.
      title: htmlNode(escapeHtml(post.title)),
      author: [{ name: textNode(bylineName(post)) }],
      // The package writes attributes with only quotes escaped, so the term is the
      // tag's slug (always safe) under the site's tag scheme; the label only when safe.
      category: post.tags.map((t) => ({ term: t.slug, scheme: `${baseUrl}/tags/`, name: t.name.includes('<') ? undefined : t.name })),
    });
  }
  return { rss: rss.rss2(), atom: atom.atom1(), updated };
}
