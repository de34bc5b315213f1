// The background sender in each serving process: each tick announces posts whose time has
// come, then claims and sends the due messages one by one. A message is marked sent the moment the
// server accepts it; a failure waits (backoff.ts) and is retried, and after the last try
// it is marked failed with the error, for the desk. Requests never wait for any of this.
import { randomUUID } from 'node:crypto';
import { isoNow, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { retryDelay } from './backoff.js';
import type { Mailer, OutgoingMail } from './mailer.js';
import type { OutboxRepository, OutboxRow } from './outbox-repository.js';

/** How often the live server looks at the outbox; a retry waits at least 30 s, so the first comes within a minute. */
export const TICK_MS = 15_000;
const BATCH = 50;
// How long a claimed message is this sender's alone: well past the mailer's timeouts, so
// only a sender that crashed mid-message loses its claim, and then the message goes again.
const CLAIM_MS = 5 * 60_000;

export interface MailWorkerDeps {
  outbox: OutboxRepository;
  mailer: Mailer;
  /** The message a row stands for, built as it is sent. */
  compose(row: OutboxRow): OutgoingMail;
  /** Runs first in each tick: turns newly published posts into messages. */
  beforeSend(): void;
  clock: Clock;
  logger: Logger;
}

export interface TickResult { sent: number; retrying: number; failed: number }

export type MailWorker = ReturnType<typeof createMailWorker>;

export function createMailWorker({ outbox, mailer, compose, beforeSend, clock, logger }: MailWorkerDeps) {
  // One tick at a time: a slow SMTP server must not make two ticks send the same row.
  let running: Promise<TickResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  // Names this sender's claims; every serving process has its own.
  const worker = `${process.pid}:${randomUUID()}`;

  async function sendOne(row: OutboxRow, result: TickResult): Promise<void> {
    try {
      await mailer.send(compose(row));
      outbox.markSent(row.id, isoNow(clock));
      result.sent++;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const wait = retryDelay(row.attempts + 1);
      if (wait === undefined) {
        outbox.markFailed(row.id, error);
        result.failed++;
        logger.warn({ outbox: row.id, attempts: row.attempts + 1, error }, 'mail failed for good');
      } else {
        outbox.retryAt(row.id, new Date(clock() + wait).toISOString(), error);
        result.retrying++;
        logger.info({ outbox: row.id, attempts: row.attempts + 1, retryInMs: wait, error }, 'mail not sent; will retry');
      }
    }
  }

  async function run(): Promise<TickResult> {
    const result: TickResult = { sent: 0, retrying: 0, failed: 0 };
    beforeSend();
    for (let n = 0; n < BATCH; n++) {
      const now = clock();
      const row = outbox.claimNext(worker, new Date(now).toISOString(), new Date(now + CLAIM_MS).toISOString());
      if (!row) break;
      await sendOne(row, result);
    }
    return result;
  }

  function tick(): Promise<TickResult> {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    /** One pass over the outbox; tests call it directly with their clock. */
    tick,
    start(everyMs = TICK_MS): void {
      if (timer) return;
      const background = () => {
        tick().catch((err: unknown) => logger.error({ err }, 'mail worker tick failed'));
      };
      timer = setInterval(background, everyMs);
      timer.unref();
      // Pending rows from before a restart go out now, not a tick later.
      background();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      mailer.close();
    },
  };
}
