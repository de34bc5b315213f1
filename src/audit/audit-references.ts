// The audit log in words: the references an entry stores ("post:12", "comment:16",
// "user:3", "upload:5") turned into names and links for the page, or said plainly
// when the thing is gone. Pure: entries and the names found in, segments out.
import { htmlToText, summarise } from '../markdown.js';

/** A reference in an entry's subject or detail. Linear: fixed words, then digits. */
const REFERENCE = /\b(post|comment|user|upload):(\d{1,15})\b/g;

export type ReferenceKind = 'post' | 'comment' | 'user' | 'upload';

/** The ids an entry names, by kind, for one lookup per kind over a whole page of entries. */
export type ReferencedIds = Record<ReferenceKind, number[]>;

export interface NamedThings {
  posts: Map<number, { title: string; kind: 'post' | 'page' }>;
  comments: Map<number, { author_name: string; body_html: string; post_title: string }>;
  users: Map<number, { username: string; name: string }>;
  uploads: Map<number, { original_name: string; filename: string }>;
}

/** A piece of a subject or detail: text, or a link with an optional quoted excerpt after it. */
export interface Segment {
  text: string;
  href?: string;
  excerpt?: string;
}

export function referencedIds(texts: readonly string[]): ReferencedIds {
  const ids: Record<ReferenceKind, Set<number>> = { post: new Set(), comment: new Set(), user: new Set(), upload: new Set() };
  for (const text of texts) for (const m of text.matchAll(REFERENCE)) ids[m[1] as ReferenceKind].add(Number(m[2]));
  return { post: [...ids.post], comment: [...ids.comment], user: [...ids.user], upload: [...ids.upload] };
}

/** `text` with each reference replaced by what it names, linked where it still exists. */
export function segmentsOf(text: string, named: NamedThings, viewerId: number): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(REFERENCE)) {
    if (m.index > last) segments.push({ text: text.slice(last, m.index) });
    segments.push(describe(m[1] as ReferenceKind, Number(m[2]), named, viewerId));
    last = m.index + m[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

function describe(kind: ReferenceKind, id: number, named: NamedThings, viewerId: number): Segment {
  switch (kind) {
    case 'post': {
      const post = named.posts.get(id);
      return post ? { text: `${post.kind} “${post.title}”`, href: `/admin/posts/${id}/edit` } : { text: `post #${id} (deleted)` };
    }
    case 'comment': {
      const comment = named.comments.get(id);
      if (!comment) return { text: `comment #${id} (deleted)` };
      // A comment deleted for good but kept for its replies has no author or text left.
      if (!comment.author_name) return { text: `a removed comment on “${comment.post_title}”`, href: `/admin/comments/${id}/edit` };
      return { text: `comment by ${comment.author_name} on “${comment.post_title}”`, href: `/admin/comments/${id}/edit`, excerpt: summarise(htmlToText(comment.body_html), 12) || undefined };
    }
    case 'user': {
      const user = named.users.get(id);
      if (!user) return { text: `user #${id} (deleted)` };
      return { text: user.name === user.username ? user.name : `${user.name} (${user.username})`, href: id === viewerId ? '/admin/account' : `/admin/users/${id}/edit` };
    }
    case 'upload': {
      const upload = named.uploads.get(id);
      return upload ? { text: `image “${upload.original_name}”`, href: `/uploads/${upload.filename}` } : { text: `image #${id} (deleted)` };
    }
  }
}
