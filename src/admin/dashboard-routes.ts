// The dashboard: what needs the author now (comments waiting, drafts) and counts.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { scopeOf } from './permissions.js';
import { me } from './session-auth.js';

export function dashboardRoutes(ctx: AppContext): Router {
  const { repos } = ctx;
  const router = Router();

  function show(_req: Request, res: Response) {
    const scope = scopeOf(me(res));
    res.render('admin/dashboard', {
      pageTitle: 'Dashboard',
      postCounts: repos.posts.countStatesForAdmin(scope),
      commentCounts: repos.comments.countQueues(scope),
      waiting: repos.comments.listQueue('pending', scope, 5, 0),
      drafts: repos.posts.listForAdmin({ state: 'draft', authorId: scope, kind: null, search: '' }, 5, 0),
      scheduled: repos.posts.listForAdmin({ state: 'scheduled', authorId: scope, kind: null, search: '' }, 5, 0),
    });
  }

  router.get('/', show);
  return router;
}
