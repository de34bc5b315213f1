// Session rows for the express-session store.
import type { Db } from '../db/open.js';
import type { Clock } from '../clock.js';

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;

export function createSessionsRepository(db: Db, clock: Clock) {
  const get = db.prepare<[string, number], string>('SELECT data FROM sessions WHERE sid = ? AND expires > ?').pluck();
  const set = db.prepare<[string, string, number, string | null]>(
    `INSERT INTO sessions (sid, data, expires, pre_address) VALUES (?, ?, ?, ?)
     ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires = excluded.expires, pre_address = excluded.pre_address`,
  );
  // Keeps an address's newest pre-sessions only; the partial index holds just those rows.
  const trimPre = db.prepare<[string, string, number]>(
    'DELETE FROM sessions WHERE pre_address = ? AND sid NOT IN (SELECT sid FROM sessions WHERE pre_address = ? ORDER BY expires DESC LIMIT ?)',
  );
  // A touch that would move the expiry by less than `slack` writes nothing (no commit).
  const touch = db.prepare<{ sid: string; expires: number; slack: number }>(
    'UPDATE sessions SET expires = @expires WHERE sid = @sid AND expires < @expires - @slack',
  );
  const destroy = db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?');
  const prune = db.prepare<[number]>('DELETE FROM sessions WHERE expires <= ?');
  const count = db.prepare<[number], number>('SELECT count(*) FROM sessions WHERE expires > ?').pluck();

  return {
    get: (sid: string, now = clock()): string | undefined => get.get(sid, now),
    set: (sid: string, data: string, expires: number): void => void set.run(sid, data, expires, null),
    /**
     * Stores a pre-session (it holds only a CSRF secret) under its address tag, and
     * forgets that address's oldest pre-sessions past `budget`.
     */
    setPre(sid: string, data: string, expires: number, address: string, budget: number): void {
      db.transaction(() => {
        set.run(sid, data, expires, address);
        trimPre.run(address, address, budget);
      })();
    },
    /** Moves a session's expiry to `expires`, unless it is already within `slack` ms of it. */
    touch: (sid: string, expires: number, slack = 0): void => void touch.run({ sid, expires, slack }),
    destroy: (sid: string): void => void destroy.run(sid),
    /** Deletes expired sessions; returns how many. */
    prune: (now = clock()): number => prune.run(now).changes,
    countLive: (now = clock()): number => count.get(now) ?? 0,
  };
}
