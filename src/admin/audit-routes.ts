// The audit trail, for administrators: who changed what, and when.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { pageLinks, paginate } from '../http/pagination.js';
import { referencedIds, segmentsOf } from '../audit/audit-references.js';
import { assertAdmin } from './permissions.js';
import { me } from './session-auth.js';

const PER_PAGE = 50;

export function auditRoutes(ctx: AppContext): Router {
  const { repos } = ctx;
  const router = Router();

  function list(req: Request, res: Response) {
    const viewer = me(res);
    assertAdmin(viewer);
    const pagination = paginate(req.query.page, repos.audit.count(), PER_PAGE);
    const entries = repos.audit.list(pagination.limit, pagination.offset);
    // Who acted is a reference too, so one lookup names them all.
    const named = repos.audit.namesFor(referencedIds(entries.flatMap((e) => [e.subject, e.detail, e.user_id === null ? '' : `user:${e.user_id}`])));
    const rows = entries.map((e) => ({
      ...e,
      who: e.user_id === null ? [] : segmentsOf(`user:${e.user_id}`, named, viewer.id),
      on: segmentsOf(e.subject, named, viewer.id),
      about: segmentsOf(e.detail, named, viewer.id),
    }));
    res.render('admin/audit', { pageTitle: 'Audit log', entries: rows, pagination, pageHref: pageLinks('/admin/audit') });
  }

  router.get('/audit', list);
  return router;
}
