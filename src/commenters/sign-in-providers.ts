// The OpenID Connect providers the comment form offers as sign-in buttons: those of
// OIDC_PROVIDERS and of the admin's settings (src/oidc/sign-in-service.ts).
import type { AppContext } from '../context.js';
import type { SignInProvider } from './sign-in-form.js';

export function signInProviders(ctx: Pick<AppContext, 'services'>): SignInProvider[] {
  return ctx.services.signIn.list().map(({ id, name, icon }) => ({ id, name, iconUrl: icon === '' ? null : icon }));
}
