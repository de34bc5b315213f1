#!/usr/bin/env node
// Entry for `npx colloquy <command>`: the commands live in cli/commands.ts.
import { runCli } from './cli/commands.js';

// `colloquy export-wxr | head`: the reader leaving early ends the command with one line, not a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.stderr.write('Standard output was closed before everything was written.\n');
  process.exit(1);
});

process.exitCode = await runCli(process.argv.slice(2));
