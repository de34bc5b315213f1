// The commenters' sign-in providers, for administrators: add, change (a blank secret
// keeps the one stored, which is never shown back in full) and remove. Providers set
// in OIDC_PROVIDERS are listed but changed only there.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { text } from '../http/forms.js';
import { parseProvider, type Provider, type ProviderErrors, type ProviderField } from '../oidc/providers.js';
import { assertAdmin } from './permissions.js';
import { flash, me } from './session-auth.js';

const FIELDS: readonly ProviderField[] = ['id', 'name', 'issuer', 'clientId', 'clientSecret', 'icon'];
const PAGE = '/admin/settings/sign-in';

/** The secret as the page shows it: its length hidden, its last four characters to tell two apart. */
export const maskedSecret = (secret: string): string => (secret.length > 8 ? `•••• ${secret.slice(-4)}` : '••••');

/** A form being corrected: which provider ('' for the new one), what was typed (never the secret) and what is wrong. */
interface Editing { id: string; form: Record<ProviderField, string>; errors: ProviderErrors }

export function signInProvidersRoutes(ctx: AppContext): Router {
  const service = ctx.services.signIn;
  const router = Router();

  function render(res: Response, status: number, editing?: Editing) {
    const providers = service.list().map((p) => ({ ...p, clientSecret: maskedSecret(p.clientSecret), fixed: service.isFixed(p.id), callback: `${ctx.config.baseUrl}/auth/${p.id}/callback` }));
    res.status(status).render('admin/sign-in-providers', { pageTitle: 'Sign-in providers', providers, editing, baseUrl: ctx.config.baseUrl });
  }

  function show(_req: Request, res: Response) {
    assertAdmin(me(res));
    render(res, 200);
  }

  /** Adds a provider (no :id) or changes one; a change with the secret left blank keeps the stored secret. */
  function save(req: Request<{ id?: string }>, res: Response) {
    const user = me(res);
    assertAdmin(user);
    const typed = Object.fromEntries(FIELDS.map((f) => [f, text(req.body, f)])) as Record<ProviderField, string>;
    const existing: Provider | undefined = req.params.id === undefined ? undefined : service.find(req.params.id);
    if (req.params.id !== undefined && (!existing || service.isFixed(existing.id))) return render(res, 404);
    if (existing) {
      typed.id = existing.id;
      if (typed.clientSecret.trim() === '') typed.clientSecret = existing.clientSecret;
    }
    const parsed = parseProvider(typed);
    const errors: ProviderErrors = parsed.ok ? {} : parsed.errors;
    if (!existing && parsed.ok && service.find(parsed.value.id)) errors.id = `There is already a provider “${parsed.value.id}”; change it below instead.`;
    if (!parsed.ok || Object.keys(errors).length) {
      return render(res, 422, { id: existing?.id ?? '', form: { ...typed, clientSecret: '' }, errors });
    }
    service.saveProvider(parsed.value, user.id);
    flash(req, existing ? `${parsed.value.name} saved.` : `${parsed.value.name} added: its button now shows above the comment form.`);
    res.redirect(303, PAGE);
  }

  function remove(req: Request<{ id: string }>, res: Response) {
    const user = me(res);
    assertAdmin(user);
    const existing = service.find(req.params.id);
    if (!existing || service.isFixed(existing.id)) return render(res, 404);
    service.removeProvider(existing.id, user.id);
    flash(req, `${existing.name} removed. Commenters who signed in with it keep their comments.`);
    res.redirect(303, PAGE);
  }

  router.get('/settings/sign-in', show);
  router.post('/settings/sign-in', save);
  router.post('/settings/sign-in/:id', save);
  router.post('/settings/sign-in/:id/remove', remove);
  return router;
}
