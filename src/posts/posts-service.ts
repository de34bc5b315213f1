// The rules of writing a post: rendering at write time, unique slugs, tags and
// redirects, the personal-data hold and the audit row, all in one transaction so a
// post is never half saved. The desk, the importer and first start write through it.
import type { AuditRepository } from '../audit/audit-repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import { DomainError } from '../errors.js';
import { htmlToText, proseHtml, renderPostMarkdown, summarise } from '../markdown.js';
import { findPersonalData, type Finding } from '../risk/personal-data.js';
import { slugify, uniqueSlug } from '../slug.js';
import type { Post, PostKind, PostStatus, PostsRepository } from './posts-repository.js';
import type { RevisionFields, RevisionOwner, RevisionsRepository } from './revisions-repository.js';
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
  /** A Like button; unset: on for a post, off for a page. */
  likes_open?: boolean;
}

export interface PostsDeps {
  db: Db;
  repos: { posts: PostsRepository; tags: TagsRepository; audit: AuditRepository; revisions: RevisionsRepository };
  clock: Clock;
}

/** What the desk asked for: the author has seen the personal-data findings and publishes anyway. */
export interface SaveOptions {
  confirmPersonalData: boolean;
  /** A new post's editor key: the copies autosaved under it become the post's. */
  draftKey?: string;
}

/** How long a post stays in the Trash before the purge deletes it for good. */
export const TRASH_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** When a post that went to the Trash at `trashedAt` is purged. */
export function purgeDueAt(trashedAt: string): string {
  return new Date(Date.parse(trashedAt) + TRASH_DAYS * DAY_MS).toISOString();
}

/** A saved post, and whether it was kept as a draft for personal data. */
export interface Saved {
  id: number;
  held: boolean;
}

/**
 * The personal data in what a post shows the public: its title, text and excerpt;
 * `whole` only for those who may edit the post (its author and administrators).
 */
export function personalDataIn(post: { title: string; body_md: string; excerpt: string }, show: 'masked' | 'whole' = 'masked'): Finding[] {
  return findPersonalData(`${post.title}\n${post.body_md}\n${post.excerpt}`, show);
}

export type PostsService = ReturnType<typeof createPostsService>;

export function createPostsService({ db, repos, clock }: PostsDeps) {
  const { posts, tags, audit, revisions } = repos;
  const now = () => new Date(clock());

  /**
   * A post asked to go public whose text holds personal data is kept as a draft
   * (its date kept), unless the author has seen the findings and confirmed.
   */
  function hold(draft: PostDraft, options: SaveOptions): PostDraft | undefined {
    if (draft.status !== 'published' || options.confirmPersonalData) return undefined;
    return personalDataIn(draft).length === 0 ? undefined : { ...draft, status: 'draft' };
  }

  function prepare(draft: PostDraft, id: number) {
    const body_html = renderPostMarkdown(draft.body_md);
    const base = slugify(draft.slug || draft.title) || (draft.kind === 'page' ? 'page' : 'post');
    const slug = uniqueSlug(base, (s) => posts.isSlugTaken(s, id));
    const summary = summaryOf(draft.excerpt, body_html);
    const published_at = draft.status === 'published' ? (draft.published_at ?? now()).toISOString() : draft.published_at?.toISOString() ?? null;
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
      likes_open: draft.likes_open ?? draft.kind === 'post',
    };
  }

  const create = db.transaction((draft: PostDraft): number => {
    const id = posts.insert(prepare(draft, 0));
    tags.setForPost(id, tagList(draft.tags));
    return id;
  });

  const update = db.transaction((id: number, draft: PostDraft): void => {
    posts.update(id, prepare(draft, id));
    tags.setForPost(id, tagList(draft.tags));
  });

  /** A step of a post's way through the Trash, with its audit row, in one transaction. */
  function trashStep(post: Post, actorId: number, action: 'trash' | 'restore' | 'delete', write: () => void): void {
    db.transaction(() => {
      write();
      audit.record({ userId: actorId, action: `${post.kind}.${action}`, subject: `post:${post.id}`, detail: `${post.title} (${post.slug})` }, now().toISOString());
    })();
  }

  return {
    /** A post as given, with no hold and no audit row: first start's welcome post, and tests. */
    create,
    update,

    /** A new post or page from the desk: held if need be, with its audit row. */
    createByAuthor(draft: PostDraft, actorId: number, options: SaveOptions): Saved {
      const held = hold(draft, options);
      return db.transaction((): Saved => {
        const id = create(held ?? draft);
        if (options.draftKey) revisions.adopt(options.draftKey, actorId, id);
        audit.record({ userId: actorId, action: `${draft.kind}.create`, subject: `post:${id}`, detail: draft.title }, now().toISOString());
        return { id, held: held !== undefined };
      })();
    },

    /** An edit from the desk: held if need be; the audit row names a slug change. */
    updateByAuthor(post: Post, draft: PostDraft, actorId: number, options: SaveOptions): Saved {
      const held = hold(draft, options);
      return db.transaction((): Saved => {
        update(post.id, held ?? draft);
        const after = posts.findById(post.id)!;
        const detail = after.slug !== post.slug ? `slug ${post.slug} → ${after.slug}` : after.title;
        audit.record({ userId: actorId, action: `${post.kind}.update`, subject: `post:${post.id}`, detail }, now().toISOString());
        return { id: post.id, held: held !== undefined };
      })();
    },

    /** To the Trash, restorable for TRASH_DAYS days; its address answers 410 meanwhile. A post there already stays as it is. */
    trash(post: Post, actorId: number): void {
      if (post.trashed_at !== null) return;
      trashStep(post, actorId, 'trash', () => posts.setTrashed(post.id, now().toISOString()));
    },

    /** Back from the Trash, in the state it left in. */
    restore(post: Post, actorId: number): void {
      if (post.trashed_at === null) return;
      trashStep(post, actorId, 'restore', () => posts.setTrashed(post.id, null));
    },

    /** Deletes a post for good, with its comments: only from the Trash, so no click deletes a live post at once. */
    deleteForever(post: Post, actorId: number): void {
      if (post.trashed_at === null) throw new DomainError('conflict', 'Only a post in the Trash can be deleted for good. Move it to the Trash first.');
      trashStep(post, actorId, 'delete', () => posts.remove(post.id));
    },

    /** Deletes for good what has been in the Trash for TRASH_DAYS days at `at`; returns how many. */
    purgeTrash: db.transaction((at: number): number => {
      const due = posts.listTrashedBefore(new Date(at - TRASH_DAYS * DAY_MS).toISOString());
      for (const post of due) {
        posts.remove(post.id);
        audit.record({ userId: null, action: `${post.kind}.purge`, subject: `post:${post.id}`, detail: `${post.title} (${post.slug}), ${TRASH_DAYS} days in the Trash` }, new Date(at).toISOString());
      }
      return due.length;
    }),

    /**
     * Keeps a copy of what the editor holds, unless it is the same as the newest copy;
     * only the newest KEEP_REVISIONS stay. Returns the copy that holds it.
     */
    autosave(owner: RevisionOwner, authorId: number, fields: RevisionFields): { id: number; created_at: string } {
      return db.transaction(() => {
        const latest = revisions.latest(owner);
        if (latest && sameFields(latest, fields)) return { id: latest.id, created_at: latest.created_at };
        const at = now().toISOString();
        return { id: revisions.add(owner, authorId, fields, at), created_at: at };
      })();
    },

    /**
     * A post from a WordPress import, inside the import's transaction. An import must not
     * change what was public, so a published post is never held: its personal-data
     * findings come back for the report instead.
     */
    importPost(draft: PostDraft): { id: number; findings: Finding[] } {
      const id = create(draft);
      return { id, findings: draft.status === 'published' ? personalDataIn(draft) : [] };
    },

    /** Renders every stored post again, after the Markdown or sanitising rules change. */
    rerenderAll: db.transaction((): number => {
      const sources = posts.allSources();
      for (const p of sources) {
        const html = renderPostMarkdown(p.body_md);
        posts.setRendered(p.id, html, summaryOf(p.excerpt, html));
      }
      return sources.length;
    }),

    /**
     * Listings' summaries made again from the stored HTML when the rule that makes them
     * has changed since this database last saw it (SUMMARY_RULE), so old posts read as
     * new ones do. Only summaries that differ are written; none on later starts.
     */
    refreshSummaries: db.transaction((store: { getInternal(key: string): string | undefined; setInternal(key: string, value: string): void }): number => {
      if (store.getInternal('summary_rule') === SUMMARY_RULE) return 0;
      let changed = 0;
      for (const p of posts.allSummaries()) {
        const summary = summaryOf(p.excerpt, p.body_html);
        if (summary === p.summary) continue;
        posts.setRendered(p.id, p.body_html, summary);
        changed++;
      }
      store.setInternal('summary_rule', SUMMARY_RULE);
      return changed;
    }),
  };
}

/** Bumped whenever summaryOf makes different text from the same post (2: breaks between blocks kept). */
const SUMMARY_RULE = '2';

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

// Every field, checked by the compiler: a field added to RevisionFields must be compared too.
const FIELDS: Record<keyof RevisionFields, true> = {
  kind: true, title: true, slug: true, body: true, excerpt: true, tags: true, status: true, published_at: true, comments_open: true, likes_open: true,
};
const FIELD_NAMES = Object.keys(FIELDS) as (keyof RevisionFields)[];

/** Whether two copies of the editor hold the same text and settings. */
export function sameFields(a: RevisionFields, b: RevisionFields): boolean {
  return FIELD_NAMES.every((name) => a[name] === b[name]);
}

/** Splits the comma-separated tags field. */
export function parseTagsField(field: string): string[] {
  return field.split(',').map((t) => t.trim()).filter(Boolean);
}
