// Writing: the list of posts and pages, the editor (with a preview that needs no
// JavaScript), saving, scheduling and deleting. Saving is mounted apart (src/routes.ts),
// behind a token check that answers with the editor and the author's text.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { renderPostMarkdown } from '../markdown.js';
import { pageLinks, paginate } from '../http/pagination.js';
import type { AdminPostFilter, Post, PostKind, PostState } from '../posts/posts-repository.js';
import { personalDataIn } from '../posts/posts-service.js';
import { uploadMarkdown } from '../uploads/uploads-store.js';
import { checked, parseId, text, type FieldErrors } from '../http/forms.js';
import { assertMayManagePost, isAdmin, scopeOf } from './permissions.js';
import { blankPostForm, formFromPost, POST_STATES, readPostForm, stateOf, validatePostForm, type PostForm } from './post-form.js';
import { flash, me } from './session-auth.js';

const PER_PAGE = 20;

export interface DeskPosts {
  /** Everything but saving, behind the desk's ordinary token check. */
  router: Router;
  /** Saving, and the answer to a stale token: the editor again with the typed text. */
  save: { create(req: Request, res: Response): void; update(req: Request<{ id: string }>, res: Response): void; refuseStale(req: Request, res: Response): void };
}

export function postsRoutes(ctx: AppContext): DeskPosts {
  const { repos, clock } = ctx;
  const { posts } = ctx.services;
  const router = Router();

  /** The post named by :id, if this user may manage it: 404 when missing, 403 when another author's. */
  function loadPost(req: Request<{ id: string }>, res: Response): Post {
    const id = parseId(req.params.id);
    const post = id === undefined ? undefined : repos.posts.findById(id);
    if (!post) throw notFound('There is no such post.');
    assertMayManagePost(me(res), post.author_id);
    return post;
  }

  function renderEditor(res: Response, status: number, view: { post?: Post; form: PostForm; errors?: FieldErrors; preview?: string; notice?: string }) {
    const { post, form } = view;
    if (view.notice) res.locals.flash = view.notice;
    const state = post ? stateOf(post, new Date(clock())) : undefined;
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
      preview: view.preview,
      recentUploads: repos.uploads.listRecent(me(res).id, 8).map((u) => ({ ...u, markdown: uploadMarkdown(u) })),
    });
  }

  function list(req: Request, res: Response) {
    const user = me(res);
    const q = text(req.query, 'q').slice(0, 200);
    const state = POST_STATES.includes(text(req.query, 'status') as PostState) ? (text(req.query, 'status') as PostState) : 'all';
    const kindRaw = text(req.query, 'kind');
    const kind = kindRaw === 'post' || kindRaw === 'page' ? (kindRaw as PostKind) : null;
    const filter: AdminPostFilter = { state, authorId: scopeOf(user), kind, search: q };
    const pagination = paginate(req.query.page, repos.posts.countForAdmin(filter), PER_PAGE);
    const now = new Date(clock());
    res.render('admin/posts', {
      pageTitle: 'Posts',
      posts: repos.posts.listForAdmin(filter, pagination.limit, pagination.offset).map((p) => ({ ...p, state: stateOf(p, now) })),
      counts: repos.posts.countStatesForAdmin(scopeOf(user)),
      filter: { state, kind: kind ?? '', q },
      pagination,
      pageHref: pageLinks('/admin/posts', { ...(state !== 'all' ? { status: state } : {}), ...(kind ? { kind } : {}), ...(q ? { q } : {}) }),
      showAuthor: isAdmin(user),
    });
  }

  function add(req: Request, res: Response) {
    renderEditor(res, 200, { form: blankPostForm(res.locals.site.comments_open_default, text(req.query, 'kind')) });
  }

  /**
   * A stale token on saving, from an old tab or a session that ended, gives the
   * author's text back instead of a bare 403 that loses it.
   */
  function refuseStale(req: Request, res: Response) {
    const post = req.params.id === undefined ? undefined : loadPost(req as Request<{ id: string }>, res);
    renderEditor(res, 403, { post, form: readPostForm(req.body), notice: EXPIRED_MESSAGE });
  }

  function create(req: Request, res: Response) {
    const user = me(res);
    const form = readPostForm(req.body);
    if (checked(req.body, 'preview')) return renderEditor(res, 200, { form, preview: renderPostMarkdown(form.body) });
    const result = validatePostForm(form, user.id, res.locals.site.timezone, new Date(clock()));
    if (!result.ok) return renderEditor(res, 422, { form, errors: result.errors });
    const { id, held } = posts.createByAuthor(result.draft, user.id, { confirmPersonalData: form.confirm_personal_data });
    flash(req, held ? HELD_MESSAGE : savedMessage(repos.posts.findById(id)!, new Date(clock())));
    res.redirect(303, `/admin/posts/${id}/edit`);
  }

  function edit(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    const tags = (repos.tags.forPosts([post.id]).get(post.id) ?? []).map((t) => t.name);
    renderEditor(res, 200, { post, form: formFromPost(post, tags, res.locals.site.timezone, new Date(clock())) });
  }

  function update(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    const user = me(res);
    const form = readPostForm(req.body);
    if (checked(req.body, 'preview')) return renderEditor(res, 200, { post, form, preview: renderPostMarkdown(form.body) });
    const result = validatePostForm(form, post.author_id, res.locals.site.timezone, new Date(clock()));
    if (!result.ok) return renderEditor(res, 422, { post, form, errors: result.errors });
    const { held } = posts.updateByAuthor(post, result.draft, user.id, { confirmPersonalData: form.confirm_personal_data });
    flash(req, held ? HELD_MESSAGE : savedMessage(repos.posts.findById(post.id)!, new Date(clock())));
    res.redirect(303, `/admin/posts/${post.id}/edit`);
  }

  function confirmRemove(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    res.render('admin/post-delete', { pageTitle: `Delete “${post.title}”`, post, commentCount: repos.comments.countAllForPost(post.id) });
  }

  function remove(req: Request<{ id: string }>, res: Response) {
    const post = loadPost(req, res);
    posts.trash(post, me(res).id);
    flash(req, `Deleted “${post.title}”.`);
    res.redirect(303, '/admin/posts');
  }

  /** Live preview for the editor's script: the same sanitised HTML the post will have. */
  function preview(req: Request, res: Response) {
    res.set('Cache-Control', 'no-store').type('html').send(renderPostMarkdown(text(req.body, 'body').slice(0, 200_000)));
  }

  router.get('/posts', list);
  router.get('/posts/new', add);
  router.get('/posts/:id/edit', edit);
  router.get('/posts/:id/delete', confirmRemove);
  router.post('/posts/:id/delete', remove);
  router.post('/preview', preview);
  return { router, save: { create, update, refuseStale } };
}

/** The line (from 1) of the text where `found` first appears, if it is in the text at all (not only the title or excerpt). */
function lineOf(text: string, found: string): number | undefined {
  const at = text.indexOf(found);
  if (at === -1) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const EXPIRED_MESSAGE = 'This page had expired, so nothing was saved. Your text is below: check it and save again.';

const HELD_MESSAGE = 'Saved as a draft, not published: the text seems to hold personal data. Check the findings below, then publish anyway if it is meant to be public.';

function savedMessage(post: Post, now: Date): string {
  const noun = post.kind === 'page' ? 'Page' : 'Post';
  switch (stateOf(post, now)) {
    case 'draft': return `${noun} saved as a draft.`;
    case 'scheduled': return `${noun} scheduled.`;
    case 'published': return `${noun} published.`;
  }
}
