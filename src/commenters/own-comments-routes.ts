// A signed-in commenter editing or deleting their own comment inside the edit window
// (the rule lives in the comments service). Each page keeps the text being typed.
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { personalPage } from '../http/cache-control.js';
import { freshToken } from '../http/csrf.js';
import { firstString, parseId } from '../http/forms.js';
import { notFound } from '../http/errors.js';
import type { Comment } from '../comments/comments-repository.js';
import { editableUntil, type OwnEditVerdict } from '../comments/own-edits.js';
import type { Post } from '../posts/posts-repository.js';
import type { Settings } from '../settings/settings.js';
import { plural } from '../wording.js';
import type { Commenter } from './commenters-repository.js';
import { rememberHeld } from '../comments/discussion-request.js';


interface Loaded { comment: Comment; post: Post; commenter: Commenter }

export function ownCommentsRoutes(ctx: AppContext) {
  const { repos, services } = ctx;
  const loaded = (res: Response) => res.locals.own as Loaded;
  const settingsOf = (res: Response) => res.locals.site as Settings;

  /** The comment named by :id, its post and the signed-in commenter; unknown comments are 404, a reader not signed in is asked to. */
  function load(req: Request<{ id: string }>, res: Response, next: NextFunction) {
    personalPage(res);
    const id = parseId(req.params.id);
    const comment = id === undefined ? undefined : repos.comments.findById(id);
    const post = comment ? repos.posts.findById(comment.post_id) : undefined;
    if (!comment || !post) throw notFound();
    const commenter = res.locals.currentCommenter as Commenter | null;
    if (!commenter) {
      return res.status(403).render('commenters/message', {
        pageTitle: 'Please sign in first', title: 'Please sign in first', back: `/posts/${post.slug}#comment-${comment.id}`,
        message: 'Only the signed-in commenter who wrote a comment can change it. Sign in from the comment form below the post.',
      });
    }
    res.locals.own = { comment, post, commenter } satisfies Loaded;
    next();
  }

  /** Why the commenter may not change the comment, as a page; the typed text, if any, is shown to keep. */
  function refuse(res: Response, verdict: Exclude<OwnEditVerdict, 'allowed'>, typed = '') {
    const { comment, post } = loaded(res);
    const minutes = settingsOf(res).comment_edit_minutes;
    const words = {
      gone: { status: 404, title: 'That comment is gone', message: 'This comment is no longer on the blog.' },
      'not-yours': { status: 403, title: 'Not your comment', message: 'Only the commenter who wrote a comment can change it.' },
      closed: {
        status: 403, title: 'Too late to change this comment',
        message: minutes === 0 ? 'Comments cannot be changed after they are posted on this blog.' : `A comment can be changed or deleted for ${plural(minutes, 'minute')} after it is posted, and that time has passed.`,
      },
    }[verdict];
    res.status(words.status).render('commenters/message', {
      pageTitle: words.title, title: words.title, message: words.message, back: `/posts/${post.slug}#comment-${comment.id}`, kept: typed,
    });
  }

  function renderEdit(req: Request, res: Response, status: number, text: string, error = '') {
    const { comment, post } = loaded(res);
    const until = new Date(editableUntil(comment.created_at, settingsOf(res).comment_edit_minutes)).toISOString();
    res.status(status).render('commenters/edit', { pageTitle: 'Edit your comment', comment, post, text, error, until, csrfToken: freshToken(req) });
  }

  function verdictNow(res: Response): OwnEditVerdict {
    const { comment, commenter } = loaded(res);
    return services.comments.ownEditVerdict(comment.id, commenter.id, settingsOf(res));
  }

  function showEdit(req: Request, res: Response) {
    const verdict = verdictNow(res);
    if (verdict !== 'allowed') return refuse(res, verdict);
    renderEdit(req, res, 200, loaded(res).comment.body_md);
  }

  function staleEdit(req: Request, res: Response) {
    const typed = firstString(req.body?.comment);
    const verdict = verdictNow(res);
    if (verdict !== 'allowed') return refuse(res, verdict, typed);
    renderEdit(req, res, 403, typed, 'This page had expired, so nothing was changed yet. Send it again to save your edit.');
  }

  function edit(req: Request, res: Response) {
    const { comment, post, commenter } = loaded(res);
    const typed = firstString(req.body?.comment);
    const outcome = services.comments.editOwn(comment.id, commenter.id, typed, settingsOf(res));
    switch (outcome.kind) {
      case 'refused': return refuse(res, outcome.verdict, typed);
      case 'invalid': return renderEdit(req, res, 422, typed, outcome.error);
      case 'deleted': return res.redirect(303, `/posts/${post.slug}#comments`);
      case 'edited':
        if (outcome.status === 'approved') return res.redirect(303, `/comments/${comment.id}`);
        // Held (before or because of the edit): shown to this browser alone, as a new held comment is.
        rememberHeld(req, comment.id);
        return res.redirect(303, `/posts/${post.slug}?unapproved=${comment.id}#comment-${comment.id}`);
    }
  }

  function confirmDelete(req: Request, res: Response) {
    const verdict = verdictNow(res);
    if (verdict !== 'allowed') return refuse(res, verdict);
    const { comment, post } = loaded(res);
    res.status(req.method === 'POST' ? 403 : 200).render('commenters/delete', { pageTitle: 'Delete your comment', comment, post, csrfToken: freshToken(req) });
  }

  function remove(_req: Request, res: Response) {
    const { comment, post, commenter } = loaded(res);
    const outcome = services.comments.deleteOwn(comment.id, commenter.id, settingsOf(res));
    if (outcome.kind === 'refused') return refuse(res, outcome.verdict);
    res.redirect(303, `/posts/${post.slug}#comments`);
  }

  return {
    load,
    edit: { show: showEdit, stale: staleEdit, update: edit },
    remove: { show: confirmDelete, stale: confirmDelete, destroy: remove },
  };
}
