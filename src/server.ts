// Entry point for `npm start`: configuration, migrations, first-start set-up, then serve.
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import { buildContext } from './compose.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/open.js';
import { migrate } from './db/migrate.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  const applied = migrate(db);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');

  const ctx = buildContext({ db, config, logger });
  const result = await bootstrap({ db, ...ctx }, config);
  if (result.createdAdmin) logger.info({ username: result.createdAdmin }, 'created the administrator');
  // A plain line, not a JSON record: the person starting the blog has to read it.
  if (result.generatedPassword) process.stdout.write(`Admin password: ${result.generatedPassword}\n`);

  const app = createApp(ctx);
  // Sends in the background: a request only writes to the outbox.
  ctx.mail.start();
  const server = app.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    logger.info({ host: config.host, port, baseUrl: config.baseUrl }, 'listening');
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'could not listen');
    process.exit(1);
  });

  let stopping = false;
  server.on('request', (_req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting, let requests in flight finish, then close the database.
    server.close(() => {
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

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
