// Commenters' sign-in providers: the list (the environment's, then the admin's), the
// admin's changes with their audit rows, and the two halves of a sign-in through the
// OpenID Connect client. Who the person becomes is the commenters service's rule.
import type { AuditRepository } from '../audit/audit-repository.js';
import { isoNow, type Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import { DomainError } from '../errors.js';
import type { AuthorizationChecks, OidcClient, ProviderIdentity } from './oidc-client.js';
import type { Provider } from './providers.js';
import type { ProvidersRepository } from './providers-repository.js';

export interface SignInServiceDeps {
  db: Db;
  repos: { providers: ProvidersRepository; audit: AuditRepository };
  /** OIDC_PROVIDERS: fixed for the life of the process, and winning over a stored provider of the same id. */
  fromEnvironment: readonly Provider[];
  oidc: OidcClient;
  clock: Clock;
}

export type SignInService = ReturnType<typeof createSignInService>;

export function createSignInService({ db, repos, fromEnvironment, oidc, clock }: SignInServiceDeps) {
  const fixedIds = new Set(fromEnvironment.map((p) => p.id));

  function list(): Provider[] {
    return [...fromEnvironment, ...repos.providers.list().filter((p) => !fixedIds.has(p.id))];
  }

  function find(id: string): Provider | undefined {
    return list().find((p) => p.id === id);
  }

  function audited(action: string, id: string, actorId: number, write: () => void): void {
    db.transaction(() => {
      write();
      repos.audit.record({ userId: actorId, action, subject: `sign-in-provider:${id}` }, isoNow(clock));
    })();
  }

  return {
    list,
    find,
    /** Whether a provider comes from OIDC_PROVIDERS, which the settings page cannot change. */
    isFixed: (id: string): boolean => fixedIds.has(id),

    saveProvider(p: Provider, actorId: number): void {
      if (fixedIds.has(p.id)) throw new DomainError('conflict', `“${p.id}” is set in OIDC_PROVIDERS; change it there.`);
      audited('sign-in-provider.save', p.id, actorId, () => repos.providers.save(p));
    },

    removeProvider(id: string, actorId: number): void {
      if (fixedIds.has(id)) throw new DomainError('conflict', `“${id}” is set in OIDC_PROVIDERS; remove it there.`);
      audited('sign-in-provider.remove', id, actorId, () => {
        if (!repos.providers.remove(id)) throw new DomainError('not-found', 'There is no such sign-in provider.');
      });
    },

    /** The provider's authorization address for this reader, and the checks to keep; throws SignInError. */
    begin: (p: Provider, redirectUri: string) => oidc.begin(p, redirectUri),

    /** The person the provider vouches for, once every check passed; throws SignInError. */
    finish: (p: Provider, callbackUrl: URL, checks: AuthorizationChecks): Promise<ProviderIdentity> => oidc.finish(p, callbackUrl, checks),
  };
}
