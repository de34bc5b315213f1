#!/usr/bin/env node
// Entry for `npx colloquy <command>`: the commands live in cli/commands.ts.
import { runCli } from './cli/commands.js';

process.exitCode = await runCli(process.argv.slice(2));
