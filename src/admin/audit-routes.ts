// The audit trail, for administrators: who changed what, and when.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { pageLinks, paginate } from '../http/pagination.js';
import { assertAdmin } from './permissions.js';
import { me } from './session-auth.js';

const PER_PAGE = 50;

export function auditRoutes(ctx: AppContext): Router {
  const { repos } = ctx;
  const router = Router();

  function list(req: Request, res: Response) {
    assertAdmin(me(res));
    const pagination = paginate(req.query.page, repos.audit.count(), PER_PAGE);
    res.render('admin/audit', { pageTitle: 'Audit log', entries: repos.audit.list(pagination.limit, pagination.offset), pagination, pageHref: pageLinks('/admin/audit') });
  }

  router.get('/audit', list);
  return router;
}
