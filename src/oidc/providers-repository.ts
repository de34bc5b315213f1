// The sign-in providers entered in the admin settings, one row each.
import { isoNow, type Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import type { Provider } from './providers.js';

interface ProviderRow { id: string; name: string; issuer: string; client_id: string; client_secret: string; icon: string }

const toProvider = (r: ProviderRow): Provider => ({ id: r.id, name: r.name, issuer: r.issuer, clientId: r.client_id, clientSecret: r.client_secret, icon: r.icon });

export type ProvidersRepository = ReturnType<typeof createProvidersRepository>;

export function createProvidersRepository(db: Db, clock: Clock) {
  const all = db.prepare<[], ProviderRow>('SELECT * FROM sign_in_providers ORDER BY created_at, id');
  const upsert = db.prepare<ProviderRow & { now: string }>(
    `INSERT INTO sign_in_providers (id, name, issuer, client_id, client_secret, icon, created_at)
     VALUES (@id, @name, @issuer, @client_id, @client_secret, @icon, @now)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, client_id = excluded.client_id,
       client_secret = excluded.client_secret, icon = excluded.icon`,
  );
  const remove = db.prepare<[string]>('DELETE FROM sign_in_providers WHERE id = ?');

  return {
    /** In the order they were added: the buttons' order. */
    list: (): Provider[] => all.all().map(toProvider),
    save: (p: Provider, now = isoNow(clock)): void =>
      void upsert.run({ id: p.id, name: p.name, issuer: p.issuer, client_id: p.clientId, client_secret: p.clientSecret, icon: p.icon, now }),
    /** False when there was no such provider. */
    remove: (id: string): boolean => remove.run(id).changes === 1,
  };
}
