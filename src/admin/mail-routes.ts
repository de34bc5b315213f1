// The desk's mail pages, for administrators: who follows what (counts, a search by
// email, removal) and the outbox (pending, sent and failed messages, with a retry).
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { firstString, parseId } from '../http/forms.js';
import { notFound } from '../http/errors.js';
import { assertAdmin } from './permissions.js';
import { me } from './session-auth.js';

const SHOWN = 50;

export function mailRoutes(ctx: AppContext): Router {
  const { repos } = ctx;
  const service = ctx.services.subscriptions;
  const router = Router();

  function subscribers(req: Request, res: Response) {
    assertAdmin(me(res));
    const q = firstString(req.query.q).trim().slice(0, 254);
    res.render('admin/subscribers', { pageTitle: 'Subscribers', counts: repos.subscriptions.counts(), q, found: q ? repos.subscriptions.search(q) : [] });
  }

  function remove(req: Request<{ id: string }>, res: Response) {
    assertAdmin(me(res));
    const id = parseId(req.params.id);
    if (id === undefined || !service.removeByDesk(id, me(res).id)) throw notFound();
    res.redirect(303, `/admin/subscribers?q=${encodeURIComponent(firstString(req.body?.q))}`);
  }

  function outbox(_req: Request, res: Response) {
    assertAdmin(me(res));
    res.render('admin/outbox', {
      pageTitle: 'Outbox',
      counts: repos.outbox.counts(),
      failed: repos.outbox.latest('failed', SHOWN),
      pending: repos.outbox.latest('pending', SHOWN),
      sent: repos.outbox.latest('sent', SHOWN),
    });
  }

  function retry(req: Request<{ id: string }>, res: Response) {
    assertAdmin(me(res));
    const id = parseId(req.params.id);
    if (id === undefined || !service.retryMessage(id, me(res).id)) throw notFound();
    res.redirect(303, '/admin/outbox');
  }

  router.get('/subscribers', subscribers);
  router.post('/subscribers/:id/delete', remove);
  router.get('/outbox', outbox);
  router.post('/outbox/:id/retry', retry);
  return router;
}
