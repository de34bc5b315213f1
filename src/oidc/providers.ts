// Sign-in providers as plain values: what one is (from OIDC_PROVIDERS or the admin's
// settings) and the checks on each field.
import { isIP } from 'node:net';

export interface Provider {
  /** In the URL (`/auth/ID`) and stored with each commenter's identity. */
  id: string;
  /** On the button: "Sign in with NAME". */
  name: string;
  /** The issuer identifier; discovery reads ISSUER/.well-known/openid-configuration. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** An image shown on the button; '' for none. */
  icon: string;
}

export type ProviderField = keyof Provider;
export type ProviderErrors = Partial<Record<ProviderField, string>>;

// `email`, `logout` and `me` are routes of their own (/auth/email, /auth/logout, /auth/me).
const RESERVED_IDS = new Set(['email', 'logout', 'me']);
const ID_RULE = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Whether an issuer may be used: https anywhere, plain http only on this machine (a test or development provider). */
export function issuerAllowed(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url));
}

/** A loopback host: requests to it never leave the machine, so TLS adds nothing there. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Checks every field of a provider as typed (trimmed); the provider, or a message for
 * each field that is wrong. An icon is an https address, or a path on this site.
 */
export function parseProvider(raw: Record<ProviderField, string>): { ok: true; value: Provider } | { ok: false; errors: ProviderErrors } {
  const v = Object.fromEntries(Object.entries(raw).map(([k, s]) => [k, s.trim()])) as Record<ProviderField, string>;
  const errors: ProviderErrors = {};
  if (!ID_RULE.test(v.id) || RESERVED_IDS.has(v.id)) {
    errors.id = 'The id must be 1 to 40 lowercase letters, digits or hyphens (not “email”, “logout” or “me”), such as “google”.';
  }
  if (v.name === '' || [...v.name].length > 60) errors.name = 'The name is required, at most 60 characters.';
  if (!issuerAllowed(v.issuer) || v.issuer.length > 500) {
    errors.issuer = 'The issuer must be an https address such as https://accounts.example.com (plain http only on this machine).';
  }
  if (v.clientId === '' || v.clientId.length > 500) errors.clientId = 'The client id is required.';
  if (v.clientSecret === '' || v.clientSecret.length > 1000) errors.clientSecret = 'The client secret is required.';
  if (v.icon !== '' && !iconAllowed(v.icon)) errors.icon = 'The icon must be an https address, or a path on this site such as /uploads/icon.png.';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: v };
}

function iconAllowed(icon: string): boolean {
  if (icon.length > 2000) return false;
  if (/^\/(?![/\\])/.test(icon)) return !/[\s"'<>]/.test(icon);
  try {
    return new URL(icon).protocol === 'https:';
  } catch {
    return false;
  }
}

/** OIDC_PROVIDERS as JSON: the providers, or one message naming what is wrong. */
export function parseProvidersJson(text: string): { ok: true; value: Provider[] } | { ok: false; error: string } {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return { ok: false, error: 'is not valid JSON' };
  }
  if (!Array.isArray(list)) return { ok: false, error: 'must be a JSON list of { "id", "name", "issuer", "clientId", "clientSecret" }' };
  const providers: Provider[] = [];
  for (const [index, item] of list.entries()) {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const field = (name: ProviderField) => (typeof entry[name] === 'string' ? (entry[name] as string) : '');
    const parsed = parseProvider({ id: field('id'), name: field('name'), issuer: field('issuer'), clientId: field('clientId'), clientSecret: field('clientSecret'), icon: field('icon') });
    if (!parsed.ok) return { ok: false, error: `entry ${index + 1}: ${Object.values(parsed.errors).join(' ')}` };
    if (providers.some((p) => p.id === parsed.value.id)) return { ok: false, error: `entry ${index + 1}: the id “${parsed.value.id}” is used twice` };
    providers.push(parsed.value);
  }
  return { ok: true, value: providers };
}
