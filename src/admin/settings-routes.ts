// The blog's settings, for administrators.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { hasErrors } from '../http/forms.js';
import { assertAdmin } from './permissions.js';
import { changedKeys, formFromSettings, readSettingsForm } from './settings-form.js';
import { flash, me } from './session-auth.js';
import { TIME_ZONES } from '../settings/settings.js';

export function settingsRoutes(ctx: AppContext): Router {
  const { repos } = ctx;
  const router = Router();

  function show(_req: Request, res: Response) {
    assertAdmin(me(res));
    res.render('admin/settings', { pageTitle: 'Settings', form: formFromSettings(res.locals.site), errors: {}, timeZones: TIME_ZONES });
  }

  function update(req: Request, res: Response) {
    assertAdmin(me(res));
    const current = repos.settings.load();
    const { form, values, errors } = readSettingsForm(req.body, current);
    if (hasErrors(errors)) return res.status(422).render('admin/settings', { pageTitle: 'Settings', form, errors, timeZones: TIME_ZONES });
    const changed = changedKeys(current, values);
    ctx.services.settings.save(values, changed, me(res).id);
    flash(req, changed.length ? 'Settings saved.' : 'Nothing changed.');
    res.redirect(303, '/admin/settings');
  }

  router.get('/settings', show);
  router.post('/settings', update);
  return router;
}
