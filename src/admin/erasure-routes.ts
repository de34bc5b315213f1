// Erasing a commenter from the desk: administrators only, with a confirmation page
// that says how many comments will go before anything is erased.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { erasureKey, erasureSummary } from '../comments/erasure-service.js';
import { text } from '../http/forms.js';
import { assertAdmin } from './permissions.js';
import { flash, me } from './session-auth.js';

export function erasureRoutes(ctx: AppContext): Router {
  const service = ctx.services.erasure;
  const router = Router();

  const render = (res: Response, status: number, email: string, view: { error?: string; count?: number } = {}) =>
    res.status(status).render('admin/erase-commenter', { pageTitle: 'Erase a commenter', email, errors: { email: view.error }, count: view.count });

  function show(_req: Request, res: Response) {
    assertAdmin(me(res));
    render(res, 200, '');
  }

  /** First the confirmation (how many comments), then, with `confirm`, the erasure. */
  function erase(req: Request, res: Response) {
    const user = me(res);
    assertAdmin(user);
    const typed = text(req.body, 'email');
    if (erasureKey(typed) === undefined) return render(res, 422, typed, { error: 'Give the email address the commenter used, such as name@example.com.' });
    if (text(req.body, 'confirm') !== '1') return render(res, 200, typed, { count: service.countFor(typed) });
    flash(req, erasureSummary(service.eraseCommenter(typed, user.id)));
    res.redirect(303, '/admin/comments');
  }

  router.get('/comments/erase', show);
  router.post('/comments/erase', erase);
  return router;
}
