// The OpenID Connect providers the comment form offers as sign-in buttons: those of
// OIDC_PROVIDERS and of the admin's settings (src/oidc/sign-in-service.ts). The page
// showing them lets its form be sent on to their issuers (form-action).
import type { Response } from 'express';
import type { AppContext } from '../context.js';
import { allowFormTargets } from '../http/security-headers.js';
import type { SignInProvider } from './sign-in-form.js';

export function signInProviders(ctx: Pick<AppContext, 'services'>, res: Response): SignInProvider[] {
  const providers = ctx.services.signIn.list();
  allowFormTargets(res, [...new Set(providers.map((p) => new URL(p.issuer).origin))]);
  return providers.map(({ id, name, icon }) => ({ id, name, iconUrl: icon === '' ? null : icon }));
}
