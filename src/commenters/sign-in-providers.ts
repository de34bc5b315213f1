// The OpenID Connect providers the comment form offers as sign-in buttons. None yet:
// the OIDC client (branch s11-oidc) lists the configured ones here.
import type { AppContext } from '../context.js';
import type { SignInProvider } from './sign-in-form.js';

export function signInProviders(_ctx: AppContext): SignInProvider[] {
  return [];
}
