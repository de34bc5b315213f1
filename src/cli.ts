#!/usr/bin/env node
// Entry for `npx colloquy <command>`: the same configuration and repositories as the server.
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/open.js';
import { migrate } from './db/migrate.js';

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const config = loadConfig();
  const db = openDatabase(config.databasePath);
  try {
    switch (command) {
      case 'migrate': {
        const applied = migrate(db);
        process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'The database is up to date.\n');
        return 0;
      }
      default:
        process.stderr.write(`Unknown command "${command ?? ''}". Try: colloquy --help\n`);
        return 2;
    }
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? `Configuration error: ${err.message}` : err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
