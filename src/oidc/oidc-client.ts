// OpenID Connect through openid-client: discovery (kept a while per provider, in this
// process), the authorization request with PKCE, state and nonce, and the code grant
// with its checks. Every failure becomes a SignInError saying which check failed.
import * as client from 'openid-client';
import type { Clock } from '../clock.js';
import { isLoopback, type Provider } from './providers.js';

/** Why a sign-in was refused; each has its own page (src/oidc/oidc-routes.ts). */
export type SignInFailure =
  | 'unreachable' // the provider is down, slow past the limit, or answered nonsense
  | 'misconfigured' // the provider's discovery document names another issuer than the one configured
  | 'issuer' // the answer brought back names another issuer than the provider chosen
  | 'nonce' // the ID token was made for another sign-in
  | 'audience' // the ID token was made for another site
  | 'code' // the provider refused the code: expired, or used already
  | 'denied' // the reader (or the provider) said no
  | 'invalid'; // anything else the checks refused

export class SignInError extends Error {
  override name = 'SignInError';
  constructor(readonly reason: SignInFailure, detail: string, options?: { cause?: unknown }) {
    super(detail, options);
  }
}

/** What this browser must keep between sending the reader away and their return. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  verifier: string;
}

/** Who the provider says the reader is; `email` only when the provider says it verified it. */
export interface ProviderIdentity {
  subject: string;
  name: string;
  email: string | null;
  pictureUrl: string | null;
}

export interface OidcClientDeps {
  clock: Clock;
  /** The limit on each request to a provider (3 s in production). */
  timeoutMs: number;
  /** Tests hand in a fetch that tampers with answers; otherwise the global one. */
  fetch?: OidcFetch;
}

export type OidcClient = ReturnType<typeof createOidcClient>;
export type OidcFetch = client.CustomFetch;

// A provider's keys and endpoints change rarely; an hour keeps sign-ins at one request
// each while a changed document is still picked up the same day.
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const SCOPE = 'openid profile email';

export function createOidcClient({ clock, timeoutMs, fetch: customFetch }: OidcClientDeps) {
  // Per provider id: the discovered configuration, for the settings it was made from.
  const discovered = new Map<string, { fingerprint: string; config: client.Configuration; until: number }>();

  async function configuration(p: Provider): Promise<client.Configuration> {
    const fingerprint = JSON.stringify([p.issuer, p.clientId, p.clientSecret]);
    const kept = discovered.get(p.id);
    if (kept && kept.fingerprint === fingerprint && kept.until > clock()) return kept.config;
    const issuer = new URL(p.issuer);
    let config: client.Configuration;
    try {
      config = await client.discovery(issuer, p.clientId, p.clientSecret, undefined, {
        timeout: timeoutMs / 1000,
        ...(customFetch ? { [client.customFetch]: customFetch } : {}),
        // Plain http only to a provider on this machine: nothing crosses a network.
        ...(issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
      });
    } catch (err) {
      const failure = classify(err);
      throw failure.reason === 'issuer' ? new SignInError('misconfigured', failure.message, { cause: err }) : failure;
    }
    discovered.set(p.id, { fingerprint, config, until: clock() + DISCOVERY_TTL_MS });
    return config;
  }

  return {
    /** Where to send the reader, and the checks to keep until they return. */
    async begin(p: Provider, redirectUri: string): Promise<{ url: string; checks: AuthorizationChecks }> {
      const config = await configuration(p);
      const checks = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url: url.href, checks };
    },

    /**
     * The reader came back to `callbackUrl` (the full URL, as registered): the code is
     * exchanged with every check, then the person's claims are read. The tokens go no
     * further than this function.
     */
    async finish(p: Provider, callbackUrl: URL, checks: AuthorizationChecks): Promise<ProviderIdentity> {
      const config = await configuration(p);
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims) throw new SignInError('invalid', 'no ID token');
        // Many providers put the profile in the UserInfo answer only, not in the ID token.
        const extra = config.serverMetadata().userinfo_endpoint && !(idClaims.name && idClaims.email)
          ? await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)
          : {};
        return identityOf({ ...idClaims }, extra);
      } catch (err) {
        throw err instanceof SignInError ? err : classify(err);
      }
    },
  };
}

type Claims = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The person from the ID token's claims and the UserInfo answer's (which wins when it has the field). */
export function identityOf(idToken: Claims, userInfo: Claims): ProviderIdentity {
  // The address and its "verified" flag are taken from the same answer, never mixed.
  const mail = str(userInfo.email) ? userInfo : idToken;
  const pick = (name: string) => str(userInfo[name]) || str(idToken[name]);
  const name = pick('name') || [pick('given_name'), pick('family_name')].filter(Boolean).join(' ') || pick('preferred_username') || pick('nickname');
  return {
    subject: str(idToken.sub),
    name,
    email: mail.email_verified === true && str(mail.email) ? str(mail.email) : null,
    pictureUrl: pick('picture') || null,
  };
}

/** Which check an error from openid-client (or the network under it) failed. */
export function classify(err: unknown): SignInError {
  const e = err as { code?: unknown; cause?: unknown; message?: unknown; name?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const cause = (e?.cause ?? {}) as { message?: unknown; attribute?: unknown; cause?: { claim?: unknown } };
  // openid-client wraps the failed check, whose own cause names the claim.
  const claim = cause.cause?.claim;
  const detail = `${String(e?.message ?? err)}${typeof cause.message === 'string' ? `: ${cause.message}` : ''}`;
  const because = (reason: SignInFailure) => new SignInError(reason, detail, { cause: err });
  if (err instanceof TypeError || code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT') return because('unreachable');
  if (err instanceof client.AuthorizationResponseError) return because('denied');
  if (err instanceof client.ResponseBodyError) return because(err.error === 'invalid_grant' ? 'code' : 'unreachable');
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' && cause.attribute === 'issuer') return because('issuer');
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
    if (claim === 'nonce') return because('nonce');
    if (claim === 'aud' || claim === 'azp') return because('audience');
    if (claim === 'iss') return because('issuer');
  }
  if (code === 'OAUTH_INVALID_RESPONSE' && typeof cause.message === 'string' && cause.message.includes('"iss"')) return because('issuer');
  if (['OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON', 'OAUTH_PARSE_ERROR'].includes(code)) return because('unreachable');
  return because('invalid');
}
