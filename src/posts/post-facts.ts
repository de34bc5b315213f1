// What pages, feeds and structured data all say about a post, decided once: the name
// it is signed with, its published and modified times and its picture.
import { decodeEntities } from '../wxr/wordpress-html.js';

/** The name a post is signed with (the author's public name as the post row carries it). */
export function bylineName(post: { author_name: string }): string {
  return post.author_name;
}

/**
 * When a post was published and last modified, as UTC ISO strings. A scheduled post
 * may have been edited before its time came: modified is never earlier than published.
 */
export function postTimes(post: { published_at: string | null; created_at: string; updated_at: string }): { published: string; modified: string } {
  const published = post.published_at ?? post.created_at;
  return { published, modified: Date.parse(post.updated_at) > Date.parse(published) ? post.updated_at : published };
}

const SRC = /\ssrc="([^"]*)"/;
const ALT = /\salt="([^"]*)"/;

/**
 * The first image of a post's sanitised HTML (which always double-quotes attributes),
 * as an absolute http(s) URL with its alt text. Found with indexOf, so a body full of
 * unclosed tags costs one pass.
 */
export function firstImage(html: string, baseUrl: string): { src: string; alt: string } | undefined {
  const start = html.indexOf('<img ');
  if (start === -1) return undefined;
  const end = html.indexOf('>', start);
  const tag = html.slice(start, end === -1 ? undefined : end);
  const src = SRC.exec(tag)?.[1];
  if (!src) return undefined;
  let absolute: URL;
  try {
    absolute = new URL(decodeEntities(src), `${baseUrl}/`);
  } catch {
    return undefined;
  }
  if (absolute.protocol !== 'https:' && absolute.protocol !== 'http:') return undefined;
  return { src: absolute.href, alt: decodeEntities(ALT.exec(tag)?.[1] ?? '') };
}
