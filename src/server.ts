// Entry point for `npm start`: configuration, migrations, first-start set-up, then serve,
// from this process or, with WEB_CONCURRENCY above 1, from that many forked workers.
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import { buildContext } from './compose.js';
import { ConfigError, loadConfig, settleBaseUrl, type Config } from './config.js';
import type { AppContext } from './context.js';
import { openDatabase, type Db } from './db/open.js';
import { migrate } from './db/migrate.js';
import { createLogger, type Logger } from './logger.js';
import { startRetentionJob } from './privacy/retention.js';
import { startTrashPurgeJob } from './posts/trash-purge.js';
import { createSettingsRepository } from './settings/settings-repository.js';

// A worker that dies sooner than this after starting is taken to be crashing on start,
// so each restart waits twice as long as the last, up to the cap.
const STABLE_MS = 10_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (cluster.isWorker) {
    const db = openDatabase(config.databasePath);
    // Each worker's lines carry its pid, so a log tells which process answered.
    serve(db, buildContext({ db, config: settleBaseUrl(config, createSettingsRepository(db), false), logger: logger.child({ pid: process.pid }) }));
    return;
  }
  const db = openDatabase(config.databasePath);
  const ctx = await prepare(db, config, logger);
  if (ctx.config.webConcurrency === 1) {
    serve(db, ctx);
    return;
  }
  // The context (comment keys) and the app (session secret) make what they make on
  // first start here, before any worker exists, so workers starting together only read them.
  createApp(ctx).close();
  db.close();
  supervise(config, logger);
}

/** Migrations and first-start set-up: once, in the process that starts the blog. */
async function prepare(db: Db, given: Config, logger: Logger): Promise<AppContext> {
  const applied = migrate(db);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
  // Before any worker starts: they read what this start stored.
  const settings = createSettingsRepository(db);
  const config = settleBaseUrl(given, settings, true);

  const ctx = buildContext({ db, config, logger });
  const resummarised = ctx.services.posts.refreshSummaries(settings);
  if (resummarised) logger.info({ posts: resummarised }, 'made listing summaries again');
  const result = await bootstrap({ db, ...ctx }, config);
  if (result.createdAdmin) logger.info({ username: result.createdAdmin }, 'created the administrator');
  // A plain line, not a JSON record: the person starting the blog has to read it.
  if (result.generatedPassword) process.stdout.write(`Admin password: ${result.generatedPassword}\n`);
  return ctx;
}

/** Serves the app from this process until SIGTERM or SIGINT. */
function serve(db: Db, ctx: AppContext): void {
  const { config, logger } = ctx;
  const app = createApp(ctx);
  const retention = startRetentionJob(ctx.repos, ctx.clock, ctx.logger);
  const trashPurge = startTrashPurgeJob(ctx.services.posts, ctx.clock, ctx.logger);
  // Sends in the background: a request only writes to the outbox. Every serving process
  // runs one; each claims a message before sending it, so none is sent twice.
  ctx.mail.start();
  const server = app.listen(config.port, config.host, () => {
    // In a worker the primary announces the blog once every worker listens.
    if (cluster.isWorker) return;
    const { port } = server.address() as AddressInfo;
    logger.info({ host: config.host, port, baseUrl: config.baseUrl }, 'listening');
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'could not listen');
    process.exit(1);
  });

  let stopping = false;
  // Before the app: a kept page is answered at once, and its headers are gone by then.
  server.prependListener('request', (_req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting, let requests in flight finish, then close the database.
    server.close(() => {
      retention.stop();
      trashPurge.stop();
      app.close();
      // A message in flight is finished and marked; the rest wait in the outbox.
      void ctx.mail.stop().finally(() => {
        db.close();
        process.exit(0);
      });
    });
    // A keep-alive connection turns idle once its last response is sent; sweep those
    // up as they appear, so the server does not wait for clients to hang up.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
    setTimeout(() => {
      logger.warn('requests still open after 10 s; closing them');
      server.closeAllConnections();
    }, 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * The primary of WEB_CONCURRENCY workers: forks them (they share the port, and the
 * one WAL database), restarts a worker that dies, and on SIGTERM or SIGINT has every
 * worker stop gracefully, then exits 0 when they all did.
 */
function supervise(config: Config, logger: Logger): void {
  const started = new Map<Worker, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let listening = 0;
  let retryMs = 0;
  let stopping = false;
  let failed = false;

  const fork = () => {
    const worker = cluster.fork();
    started.set(worker, Date.now());
  };

  cluster.on('listening', (worker, address) => {
    logger.info({ pid: worker.process.pid }, 'worker listening');
    if (++listening === config.webConcurrency) {
      logger.info({ host: config.host, port: address.port, baseUrl: config.baseUrl, workers: config.webConcurrency }, 'listening');
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker) ?? 0);
    started.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (started.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    // Never up at all (the port taken, the database unreadable): restarting cannot help.
    if (listening < config.webConcurrency) {
      logger.fatal({ pid: worker.process.pid, code, signal }, 'a worker failed to start');
      failed = true;
      stop();
      return;
    }
    retryMs = lived < STABLE_MS ? Math.min(Math.max(retryMs * 2, FIRST_RETRY_MS), MAX_RETRY_MS) : 0;
    logger.error({ pid: worker.process.pid, code, signal, restartInMs: retryMs }, 'worker died; starting another');
    const timer = setTimeout(() => {
      restarts.delete(timer);
      fork();
    }, retryMs);
    restarts.add(timer);
  });

  const stop = (signal?: string) => {
    if (stopping) return;
    stopping = true;
    if (signal) logger.info({ signal }, 'shutting down');
    for (const timer of restarts) clearTimeout(timer);
    if (started.size === 0) process.exit(failed ? 1 : 0);
    // Each worker finishes its requests in flight and closes its database itself.
    for (const worker of started.keys()) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < config.webConcurrency; i++) fork();
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
