// The rules of writing a post: rendering at write time, unique slugs, tags and
// redirects, all in one transaction so a post is never half saved.
import type { Db } from '../db/open.js';
import { htmlToText, proseHtml, renderPostMarkdown, summarise } from '../markdown.js';
import { slugify, uniqueSlug } from '../slug.js';
import type { PostKind, PostStatus, PostsRepository } from './posts-repository.js';
import type { TagsRepository } from './tags-repository.js';

export interface PostDraft {
  kind: PostKind;
  author_id: number;
  title: string;
  /** Blank: made from the title. */
  slug: string;
  body_md: string;
  excerpt: string;
  /** Tag names as the author typed them. */
  tags: readonly string[];
  status: PostStatus;
  /** When it goes (or went) public; a future time schedules it. Null: now, when published. */
  published_at: Date | null;
  comments_open: boolean;
}

export type PostsService = ReturnType<typeof createPostsService>;

export function createPostsService(db: Db, posts: PostsRepository, tags: TagsRepository) {
  function prepare(draft: PostDraft, id: number) {
    const body_html = renderPostMarkdown(draft.body_md);
    const base = slugify(draft.slug || draft.title) || (draft.kind === 'page' ? 'page' : 'post');
    const slug = uniqueSlug(base, (s) => posts.isSlugTaken(s, id));
    const summary = summaryOf(draft.excerpt, body_html);
    const published_at = draft.status === 'published' ? (draft.published_at ?? new Date()).toISOString() : draft.published_at?.toISOString() ?? null;
    return {
      kind: draft.kind,
      author_id: draft.author_id,
      title: draft.title.trim(),
      slug,
      body_md: draft.body_md,
      body_html,
      excerpt: draft.excerpt.trim(),
      summary,
      status: draft.status,
      published_at,
      comments_open: draft.comments_open,
    };
  }

  return {
    create: db.transaction((draft: PostDraft): number => {
      const id = posts.insert(prepare(draft, 0));
      tags.setForPost(id, tagList(draft.tags));
      return id;
    }),

    update: db.transaction((id: number, draft: PostDraft): void => {
      posts.update(id, prepare(draft, id));
      tags.setForPost(id, tagList(draft.tags));
    }),

    /** Renders every stored post again, after the Markdown or sanitising rules change. */
    rerenderAll: db.transaction((): number => {
      const sources = posts.allSources();
      for (const p of sources) {
        const html = renderPostMarkdown(p.body_md);
        posts.setRendered(p.id, html, summaryOf(p.excerpt, html));
      }
      return sources.length;
    }),
  };
}

/**
 * The plain text a listing shows: the author's excerpt, else the start of the body's
 * prose. Headings, code blocks and tables read badly run into a sentence, so they are left out.
 */
export function summaryOf(excerpt: string, bodyHtml: string): string {
  if (excerpt.trim()) return summarise(excerpt.trim());
  return summarise(htmlToText(proseHtml(bodyHtml)));
}

/** Distinct tags from the typed names, keyed by their slug; names that make no slug are dropped. */
export function tagList(names: readonly string[]): { slug: string; name: string }[] {
  const bySlug = new Map<string, string>();
  for (const raw of names) {
    const name = raw.trim().replace(/\s+/g, ' ').slice(0, 60);
    const slug = slugify(name);
    if (slug && !bySlug.has(slug)) bySlug.set(slug, name);
  }
  return [...bySlug].map(([slug, name]) => ({ slug, name }));
}

/** Splits the comma-separated tags field. */
export function parseTagsField(field: string): string[] {
  return field.split(',').map((t) => t.trim()).filter(Boolean);
}
