// The moderation queue: comments by status with counts, one-click actions, bulk
// actions, editing a comment's text and replying as the author. The rules are the
// moderation service's; these handlers read the form, check who may act, and answer.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { COMMENT_QUEUES, type CommentQueue, type QueuedComment } from '../comments/comments-repository.js';
import type { ReplyOutcome } from '../comments/moderation-service.js';
import { forbidden, notFound } from '../http/errors.js';
import { pageLinks, paginate } from '../http/pagination.js';
import { adminPath, idList, parseId, text, type FieldErrors } from '../http/forms.js';
import { actionsFor, parseAction, REPORTED_ACTIONS } from '../comments/moderation-actions.js';
import { MODERATION_LABELS, plural } from '../wording.js';
import { assertMayManagePost, mayManagePost, scopeOf } from './permissions.js';
import { flash, me } from './session-auth.js';

const PER_PAGE = 30;

export function commentsRoutes(ctx: AppContext): Router {
  const { repos } = ctx;
  const { moderation } = ctx.services;
  const router = Router();

  function loadComment(req: Request<{ id: string }>, res: Response): QueuedComment {
    const id = parseId(req.params.id);
    const comment = id === undefined ? undefined : repos.comments.findManyWithPost([id])[0];
    if (!comment) throw notFound('There is no such comment.');
    assertMayManagePost(me(res), comment.post_author_id);
    return comment;
  }

  const backTo = (req: Request, status: CommentQueue) => adminPath(req.body?.back, `/admin/comments?status=${status}`);

  function list(req: Request, res: Response) {
    const user = me(res);
    const raw = text(req.query, 'status');
    const status: CommentQueue = COMMENT_QUEUES.includes(raw as CommentQueue) ? (raw as CommentQueue) : 'pending';
    const counts = repos.comments.countQueues(scopeOf(user));
    const pagination = paginate(req.query.page, counts[status], PER_PAGE);
    const comments = repos.comments.listQueue(status, scopeOf(user), pagination.limit, pagination.offset);
    res.render('admin/comments', {
      pageTitle: 'Comments',
      status,
      counts,
      comments,
      reports: repos.reports.summaryFor(comments.map((c) => c.id)),
      // The reported queue asks one question of each comment: keep it, hide it, or call it spam.
      actionsFor: status === 'reported' ? () => REPORTED_ACTIONS : actionsFor,
      pagination,
      pageHref: pageLinks('/admin/comments', { status }),
      back: req.originalUrl,
    });
  }

  function act(req: Request<{ id: string; action: string }>, res: Response) {
    const action = parseAction(req.params.action);
    if (!action) throw notFound('There is no such action.');
    const comment = loadComment(req, res);
    moderation.act(comment, action, me(res).id);
    flash(req, `Comment by ${comment.author_name || 'someone'} ${MODERATION_LABELS[action].done}.`);
    const back = backTo(req, comment.status);
    // A deleted comment's own page is gone: back to its queue instead.
    res.redirect(303, action === 'delete' && back.startsWith(`/admin/comments/${comment.id}/`) ? `/admin/comments?status=${comment.status}` : back);
  }

  function bulk(req: Request, res: Response) {
    const user = me(res);
    const action = parseAction(text(req.body, 'action'));
    const fallbackStatus = COMMENT_QUEUES.includes(text(req.body, 'status') as CommentQueue) ? (text(req.body, 'status') as CommentQueue) : 'pending';
    const ids = idList(req.body, 'ids');
    if (!action || ids.length === 0) {
      flash(req, !action ? 'Choose an action for the selected comments.' : 'Select at least one comment first.');
      return res.redirect(303, backTo(req, fallbackStatus));
    }
    const comments = repos.comments.findManyWithPost(ids);
    if (comments.some((c) => !mayManagePost(user, c.post_author_id))) throw forbidden('Some of those comments are on another author’s posts.');
    const count = moderation.actOnMany(comments, action, user.id);
    flash(req, `${plural(count, 'comment')} ${MODERATION_LABELS[action].done}.`);
    res.redirect(303, backTo(req, fallbackStatus));
  }

  function renderEdit(res: Response, status: number, comment: QueuedComment, view: { body?: string; reply?: string; errors?: FieldErrors } = {}) {
    const report = repos.reports.summaryFor([comment.id]).get(comment.id);
    const dismissable = report !== undefined && report.open > 0 && (comment.status === 'approved' || comment.status === 'pending');
    res.status(status).render('admin/comment-edit', {
      pageTitle: 'Comment',
      comment,
      report,
      body: view.body ?? comment.body_md,
      reply: view.reply ?? '',
      errors: view.errors ?? {},
      actions: dismissable ? ['dismiss', ...actionsFor(comment.status)] : actionsFor(comment.status),
    });
  }

  function edit(req: Request<{ id: string }>, res: Response) {
    renderEdit(res, 200, loadComment(req, res));
  }

  function update(req: Request<{ id: string }>, res: Response) {
    const comment = loadComment(req, res);
    const typed = text(req.body, 'comment');
    const edited = moderation.edit(comment, typed, me(res).id);
    if (!edited.ok) return renderEdit(res, 422, comment, { body: typed, errors: { comment: edited.error } });
    flash(req, 'Comment text saved.');
    res.redirect(303, backTo(req, comment.status));
  }

  function reply(req: Request<{ id: string }>, res: Response) {
    const parent = loadComment(req, res);
    const user = me(res);
    const typed = text(req.body, 'comment');
    const outcome = moderation.reply(parent, user, typed, res.locals.site);
    if (outcome.kind !== 'stored') return renderEdit(res, outcome.kind === 'duplicate' ? 409 : 422, parent, { reply: typed, errors: { reply: replyError(outcome) } });
    flash(req, parent.status === 'pending' ? 'Comment approved and your reply posted.' : 'Your reply is posted.');
    res.redirect(303, adminPath(req.body?.back, `/admin/comments?status=approved#comment-${outcome.id}`));
  }

  router.get('/comments', list);
  router.post('/comments/bulk', bulk);
  router.get('/comments/:id/edit', edit);
  router.post('/comments/:id/edit', update);
  router.post('/comments/:id/reply', reply);
  router.post('/comments/:id/:action', act);
  return router;
}

/** Why the service refused a reply, in the queue's words. */
function replyError(outcome: Exclude<ReplyOutcome, { kind: 'stored' }>): string {
  switch (outcome.kind) {
    case 'parent-hidden': return 'Approve this comment before replying to it.';
    case 'invalid': return outcome.errors.comment ?? outcome.errors.comment_parent ?? 'This reply cannot be posted.';
    case 'duplicate': return 'You already said that here.';
    case 'too-quick':
    case 'rate-limited': return 'Too many comments just now; please try again in a minute.';
  }
}
