// Writing: the list of posts and pages (and their Trash), the editor with its
// autosaved copies, the preview as readers will see it, saving, scheduling and
// deleting. Saving is mounted apart (src/routes.ts), behind a token check that answers
// with the editor and the author's text, and a log-in that keeps the text and saves it.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { freshToken } from '../http/csrf.js';
import { notFound } from '../http/errors.js';
import { lazyLocal } from '../http/view-locals.js';
import { renderPostMarkdown } from '../markdown.js';
import { pageLinks, paginate } from '../http/pagination.js';
import type { AdminPostFilter, DeskState, Post, PostKind, PostView } from '../posts/posts-repository.js';
import { parseTagsField, personalDataIn, purgeDueAt, sameFields, tagList } from '../posts/posts-service.js';
import { renderPreview } from '../posts/preview.js';
import type { Revision, RevisionOwner } from '../posts/revisions-repository.js';
import { parseLocalDateTime, formatClockTime } from '../time.js';
import { uploadMarkdown } from '../uploads/uploads-store.js';
import { parseId, text, type FieldErrors } from '../http/forms.js';
import type { User } from '../users/users-repository.js';
import { assertMayManagePost, isAdmin, mayManagePost, scopeOf } from './permissions.js';
import { commentsBadge } from './comments-badge.js';
import {
  blankPostForm, formFromPost, formFromRevision, POST_STATES, readPostForm, revisionFields, stateOf, validatePostForm, type PostForm,
} from './post-form.js';
import { flash, me } from './session-auth.js';

const PER_PAGE = 20;
const DESK_STATES: readonly DeskState[] = [...POST_STATES, 'trash'];

/** A post's save, kept through a log-in when it met an ended session (src/admin/auth-routes.ts). */
export interface KeptSave {
  /** The typed post in `body`, if `path` is where a post is saved: the hidden fields a log-in form carries. */
  read(path: string, body: unknown): { resume: string; fields: [string, string][]; title: string } | undefined;
  /** Right after logging in as `user`: saves what `read` found at `resume`, answering the request. */
  finish(req: Request, res: Response, user: User, resume: string): void;
}

export interface DeskPosts {
  /** Everything but saving, behind the desk's ordinary token check. */
  router: Router;
  /** Saving, and the answer to a stale token: the editor again with the typed text. */
  save: { create(req: Request, res: Response): void; update(req: Request<{ id: string }>, res: Response): void; refuseStale(req: Request, res: Response): void };
  kept: KeptSave;
}

export function postsRoutes(ctx: AppContext): DeskPosts {
  const { repos, clock } = ctx;
  const { posts } = ctx.services;
  const router = Router();
  const now = () => new Date(clock());

  function findPost(req: Request<{ id: string }>): Post {
    const id = parseId(req.params.id);
    const post = id === undefined ? undefined : repos.posts.findById(id);
    if (!post) throw notFound('There is no such post.');
    return post;
  }

  /** The post named by :id, if this user may manage it: 404 when missing, 403 when another author's. */
  function loadPost(req: Request<{ id: string }>, res: Response): Post {
    const post = findPost(req);
    assertMayManagePost(me(res), post.author_id);
    return post;
  }

  const timeOf = (res: Response, iso: string) => formatClockTime(iso, res.locals.site.timezone, now());
  const ownerOf = (post: Post | undefined, form: PostForm, user: User): RevisionOwner =>
    post ? { postId: post.id } : { authorId: user.id, draftKey: form.draft_key };

  interface EditorView {
    post?: Post;
    form: PostForm;
    errors?: FieldErrors;
    notice?: string;
    /** Autosaved text newer than what is saved, offered for restoring. */
    unsaved?: Revision;
  }

  function renderEditor(res: Response, status: number, view: EditorView) {
    const { post, form } = view;
    if (view.notice) res.locals.flash = view.notice;
    const state = post ? stateOf(post, now()) : undefined;
    const user = me(res);
    const copies = post || form.draft_key ? repos.revisions.list(ownerOf(post, form, user)) : [];
    res.status(status).render('admin/post-edit', {
      pageTitle: post ? `Edit “${post.title}”` : form.kind === 'page' ? 'New page' : 'New post',
      post,
      state,
      // A draft is checked before it goes public, so the author sees why it was held. Only
      // its author and administrators reach the editor, so each finding is shown as
      // written, with the line of the text it is on: masked, it could not be found.
      findings: post && state === 'draft' ? personalDataIn(post, 'whole').map((f) => ({ ...f, line: lineOf(post.body_md, f.match) })) : [],
      form,
      errors: view.errors ?? {},
      unsaved: view.unsaved && { id: view.unsaved.id, time: timeOf(res, view.unsaved.created_at), href: restoreHref(post, view.unsaved.id) },
      revisions: copies.map((r) => ({ id: r.id, time: timeOf(res, r.created_at), at: r.created_at, title: r.title, words: wordCount(r.body), href: restoreHref(post, r.id) })),
      // The editor's own address for its script: where to autosave and preview.
      base: post ? `/admin/posts/${post.id}` : '/admin/posts/new',
      recentUploads: repos.uploads.listRecent(user.id, 8).map((u) => ({ ...u, markdown: uploadMarkdown(u) })),
    });
  }

  /** An autosaved copy this user may restore into this editor (`post` undefined: a new post). */
  function revisionFor(req: Request, res: Response, post: Post | undefined): Revision | undefined {
    const id = parseId(req.query.revision);
    const revision = id === undefined ? undefined : repos.revisions.findById(id);
    if (!revision) return undefined;
    const mine = post ? revision.post_id === post.id : revision.post_id === null && revision.author_id === me(res).id;
    return mine ? revision : undefined;
  }

  function list(req: Request, res: Response) {
    const user = me(res);
    const q = text(req.query, 'q').slice(0, 200);
    const state = DESK_STATES.includes(text(req.query, 'status') as DeskState) ? (text(req.query, 'status') as DeskState) : 'all';
    const kindRaw = text(req.query, 'kind');
    const kind = kindRaw === 'post' || kindRaw === 'page' ? (kindRaw as PostKind) : null;
    const filter: AdminPostFilter = { state, authorId: scopeOf(user), kind, search: q };
    const pagination = paginate(req.query.page, repos.posts.countForAdmin(filter), PER_PAGE);
    res.render('admin/posts', {
      pageTitle: state === 'trash' ? 'Trash' : 'Posts',
      posts: repos.posts.listForAdmin(filter, pagination.limit, pagination.offset).map((p) => ({
        ...p,
        state: stateOf(p, now()),
        purgeAt: p.trashed_at === null ? null : purgeDueAt(p.trashed_at),
      })),
      counts: repos.posts.countStatesForAdmin(scopeOf(user)),
      filter: { state, kind: kind ?? '', q },
      pagination,
      pageHref: pageLinks('/admin/posts', { ...(state !== 'all' ? { status: state } : {}), ...(kind ? { kind } : {}), ...(q ? { q } : {}) }),
      showAuthor: isAdmin(user),
    });
  }

  function add(req: Request, res: Response) {
    const restored = revisionFor(req, res, undefined);
    if (restored) return renderEditor(res, 200, { form: formFromRevision(restored), notice: restoredMessage(timeOf(res, restored.created_at)) });
    renderEditor(res, 200, {
      form: blankPostForm(res.locals.site.comments_open_default, text(req.query, 'kind')),
      unsaved: repos.revisions.latestUnsaved(me(res).id),
    });
  }

  /**
   * A stale token on saving, from an old tab or a session that ended, gives the
   * author's text back instead of a bare 403 that loses it.
   */
  function refuseStale(req: Request, res: Response) {
    const post = req.params.id === undefined ? undefined : loadPost(req as Request<{ id: string }>, res);
    renderEditor(res, 403, { post, form: readPostForm(req.body), notice: EXPIRED_MESSAGE });
  }

  function saveNew(req: Request, res: Response, form: PostForm, said = '') {
    const user = me(res);
    const result = validatePostForm(form, user.id, res.locals.site.timezone, now());
    if (!result.ok) return renderEditor(res, 422, { form, errors: result.errors, notice: said || undefined });
    const { id, held } = posts.createByAuthor(result.draft, user.id, { confirmPersonalData: form.confirm_personal_data, draftKey: form.draft_key });
    flash(req, said + (held ? HELD_MESSAGE : savedMessage(repos.posts.findById(id)!, now())));
    res.redirect(303, `/admin/posts/${id}/edit`);
  }

  function saveExisting(req: Request, res: Response, post: Post, form: PostForm, said = '') {
    const user = me(res);
    const result = validatePostForm(form, post.author_id, res.locals.site.timezone, now());
    if (!result.ok) return renderEditor(res, 422, { post, form, errors: result.errors, notice: said || undefined });
    const { held } = posts.updateByAuthor(post, result.draft, user.id, { confirmPersonalData: form.confirm_personal_data });
    flash(req, said + (held ? HELD_MESSAGE : savedMessage(repos.posts.findById(post.id)!, now())));
    res.redirect(303, `/admin/posts/${post.id}/edit`);
  }

  const create = (req: Request, res: Response) => saveNew(req, res, readPostForm(req.body));
  const update = (req: Request<{ id: string }>, res: Response) => saveExisting(req, res, loadPost(req, res), readPostForm(req.body));

  function edit(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    const restored = revisionFor(req, res, post);
    if (restored) return renderEditor(res, 200, { post, form: formFromRevision(restored), notice: restoredMessage(timeOf(res, restored.created_at)) });
    const tags = (repos.tags.forPosts([post.id]).get(post.id) ?? []).map((t) => t.name);
    const form = formFromPost(post, tags, res.locals.site.timezone, now());
    // Typed after the last save and never saved: a closed tab, a crash, a lost connection.
    const latest = repos.revisions.latest({ postId: post.id });
    const unsaved = latest && latest.created_at > post.updated_at && !sameFields(latest, revisionFields(form)) ? latest : undefined;
    renderEditor(res, 200, { post, form, unsaved, notice: post.trashed_at ? TRASHED_MESSAGE : undefined });
  }

  /** The editor's background save: a copy of what it holds, answered in JSON for its script. */
  function autosave(req: Request, res: Response, post: Post | undefined) {
    const form = readPostForm(req.body);
    if (!post && !form.draft_key) return res.status(422).json({ error: 'This editor has no key; reload it to autosave.' });
    // Twenty copies of whatever a body may hold would be a lot of disk for text that cannot be saved anyway.
    if (Object.values(revisionFields(form)).reduce((n, v) => n + String(v).length, 0) > AUTOSAVE_MAX_CHARS) {
      return res.status(413).json({ error: 'This text is longer than a post may be, so it is not autosaved.' });
    }
    const saved = posts.autosave(ownerOf(post, form, me(res)), me(res).id, revisionFields(form));
    res.json({ id: saved.id, savedAt: saved.created_at, time: timeOf(res, saved.created_at) });
  }

  /** The editor's Preview button: the typed text, saved or not, on the real post page in a new tab. */
  function previewTyped(req: Request, res: Response, post: Post | undefined) {
    const form = readPostForm(req.body);
    const user = me(res);
    const author = post ? repos.users.findById(post.author_id) ?? user : user;
    const at = now().toISOString();
    const publishedAt = parseLocalDateTime(form.published_at, res.locals.site.timezone)?.toISOString() ?? post?.published_at ?? at;
    const view: PostView = {
      id: post?.id ?? 0,
      kind: form.kind === 'page' ? 'page' : 'post',
      author_id: author.id,
      title: form.title.trim() || '(no title)',
      slug: post?.slug ?? 'preview',
      body_md: form.body,
      body_html: renderPostMarkdown(form.body.slice(0, 200_000)),
      excerpt: form.excerpt,
      summary: '',
      status: 'draft',
      published_at: publishedAt,
      comments_open: 0,
      likes_open: 0,
      created_at: post?.created_at ?? at,
      updated_at: at,
      trashed_at: null,
      author_name: author.display_name.trim() || author.username,
      author_bio: author.bio,
      comment_count: 0,
    };
    renderPreview(res, view, tagList(parseTagsField(form.tags)), {
      note: 'This is the text in your editor, not yet saved: close this tab to go back to it.',
      editHref: post ? `/admin/posts/${post.id}/edit` : '/admin/posts/new',
    });
  }

  function discardUnsaved(req: Request, res: Response) {
    repos.revisions.discardUnsaved(me(res).id);
    flash(req, 'The unsaved text was discarded.');
    res.redirect(303, '/admin/posts/new');
  }

  function confirmRemove(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    res.render('admin/post-delete', { pageTitle: `Delete “${post.title}”`, post, commentCount: repos.comments.countAllForPost(post.id) });
  }

  function remove(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    posts.trash(post, me(res).id);
    flash(req, `Moved “${post.title}” to the Trash. You can restore it there for 30 days.`);
    res.redirect(303, '/admin/posts');
  }

  function restore(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    posts.restore(post, me(res).id);
    flash(req, `Restored “${post.title}” from the Trash.`);
    res.redirect(303, '/admin/posts?status=trash');
  }

  function deleteForever(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    posts.deleteForever(post, me(res).id);
    flash(req, `Deleted “${post.title}” for good.`);
    res.redirect(303, '/admin/posts?status=trash');
  }

  /** Live preview for the editor's script: the same sanitised HTML the post will have. */
  function preview(req: Request, res: Response) {
    res.set('Cache-Control', 'no-store').type('html').send(renderPostMarkdown(text(req.body, 'body').slice(0, 200_000)));
  }

  const kept: KeptSave = {
    read(path, body) {
      const resume = savePath(path);
      if (resume === undefined || typeof body !== 'object' || body === null || !('title' in body || 'body' in body)) return undefined;
      const form = readPostForm(body);
      return { resume, fields: keptFields(form), title: form.title };
    },
    finish(req, res, user, resume) {
      res.locals.currentUser = user;
      // The log-in gave a new session: a page shown now needs its token, not the old one's.
      res.locals.csrfToken = freshToken(req);
      lazyLocal(res, 'commentsBadge', () => commentsBadge(repos, user));
      const form = readPostForm(req.body);
      const id = parseId(resume.split('/')[3]);
      if (id === undefined) return saveNew(req, res, form, LOGGED_IN_MESSAGE);
      const post = repos.posts.findById(id);
      // Logged in as someone who may not change it, or it is gone: the text is kept, to save as a new post.
      if (!post || !mayManagePost(user, post.author_id)) return renderEditor(res, 403, { form, notice: NOT_YOURS_MESSAGE });
      saveExisting(req, res, post, form, LOGGED_IN_MESSAGE);
    },
  };

  router.get('/posts', list);
  router.get('/posts/new', add);
  router.post('/posts/new/autosave', (req, res) => autosave(req, res, undefined));
  router.post('/posts/new/preview', (req, res) => previewTyped(req, res, undefined));
  router.post('/posts/new/discard', discardUnsaved);
  router.get('/posts/:id/edit', edit);
  router.post('/posts/:id/autosave', (req: Request<{ id: string }>, res) => autosave(req, res, loadPost(req, res)));
  router.post('/posts/:id/preview', (req: Request<{ id: string }>, res) => previewTyped(req, res, loadPost(req, res)));
  router.get('/posts/:id/delete', confirmRemove);
  router.post('/posts/:id/delete', remove);
  router.post('/posts/:id/restore', restore);
  router.post('/posts/:id/delete-permanently', deleteForever);
  router.post('/preview', preview);
  return { router, save: { create, update, refuseStale }, kept };
}

/** `/admin/posts` or `/admin/posts/ID` (the query left off), where the editor saves; else undefined. */
function savePath(path: string): string | undefined {
  const bare = path.split('?')[0] ?? '';
  return /^\/admin\/posts(?:\/[1-9]\d{0,14})?$/.test(bare) ? bare : undefined;
}

/** The form as hidden fields that post it again as the browser would: a checkbox only when ticked. */
function keptFields(form: PostForm): [string, string][] {
  const fields: [string, string][] = [
    ['kind', form.kind], ['title', form.title], ['slug', form.slug], ['body', form.body], ['excerpt', form.excerpt],
    ['tags', form.tags], ['status', form.status], ['published_at', form.published_at], ['draft_key', form.draft_key],
  ];
  if (form.comments_open) fields.push(['comments_open', '1']);
  if (form.likes_open) fields.push(['likes_open', '1']);
  if (form.confirm_personal_data) fields.push(['confirm_personal_data', '1']);
  return fields;
}

function restoreHref(post: Post | undefined, revisionId: number): string {
  return `${post ? `/admin/posts/${post.id}/edit` : '/admin/posts/new'}?revision=${revisionId}`;
}

function wordCount(body: string): number {
  return body.split(/\s+/).filter(Boolean).length;
}

/** A post's fields at their longest (src/admin/post-form.ts LIMITS) fit well inside this. */
const AUTOSAVE_MAX_CHARS = 220_000;

const restoredMessage = (time: string) => `Restored the text autosaved at ${time}. It is not saved yet: check it, then Save.`;

/** The line (from 1) of the text where `found` first appears, if it is in the text at all (not only the title or excerpt). */
function lineOf(text: string, found: string): number | undefined {
  const at = text.indexOf(found);
  if (at === -1) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const EXPIRED_MESSAGE = 'This page had expired, so nothing was saved. Your text is below: check it and save again.';

const LOGGED_IN_MESSAGE = 'You are logged in again. ';

const NOT_YOURS_MESSAGE = 'You are logged in, but that post is not one you may change, so nothing was saved. Your text is below: save it as a new post if you wish.';

const TRASHED_MESSAGE = 'This post is in the Trash: readers cannot see it. Restore it from the Trash to bring it back.';

const HELD_MESSAGE = 'Saved as a draft, not published: the text seems to hold personal data. Check the findings below, then publish anyway if it is meant to be public.';

function savedMessage(post: Post, now: Date): string {
  const noun = post.kind === 'page' ? 'Page' : 'Post';
  switch (stateOf(post, now)) {
    case 'draft': return `${noun} saved as a draft.`;
    case 'scheduled': return `${noun} scheduled.`;
    case 'published': return `${noun} published.`;
  }
}
