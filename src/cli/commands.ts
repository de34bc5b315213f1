// The commands of `npx colloquy`: each is one entry in COMMANDS; runCli parses the
// arguments, opens the database from the same configuration as the server, and
// turns every outcome into an exit code (0 done, 1 refused or failed, 2 bad usage).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, settleBaseUrl, type Config } from '../config.js';
import { openDatabase, type Db } from '../db/open.js';
import { migrate } from '../db/migrate.js';
import { buildContext } from '../compose.js';
import type { AppContext } from '../context.js';
import { InputError, readNewPassword } from './read-password.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../users/passwords.js';
import { isRole, isUsername, passwordProblem, ROLES, USERNAME_RULE, type PasswordProblem } from '../users/user-rules.js';
import { plural } from '../wording.js';
import { exportWxr } from '../wxr/export-wxr.js';
import { WxrImportError, WxrImportStopped, importWxr, wxrFile, type ImportReport } from '../wxr/import-wxr.js';
import { writeFileAtomically } from './write-atomically.js';
import type { User } from '../users/users-repository.js';
import { BackupError, restoreBackup, writeBackup } from '../backup/backup-archive.js';
import { erasureKey, erasureSummary } from '../comments/erasure-service.js';
import { loadSecretKey } from '../keys/secret-key.js';
import { createSettingsRepository } from '../settings/settings-repository.js';

/** Bad usage: a missing argument, an unknown option or value. Exit code 2. */
class UsageError extends Error {
  override name = 'UsageError';
}
/** The command was understood but refused (the user exists, say). Exit code 1. */
class Refusal extends Error {
  override name = 'Refusal';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a command may touch besides the database: injected so tests run it in-process. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Raw text to standard output, no newline added (an export written there). */
  write: (chunk: string) => void;
  /** A new password from standard input, or typed at a hidden prompt. */
  readPassword: (fromStdin: boolean) => Promise<string>;
}

interface Invocation {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  config: Config;
  out: (line: string) => void;
  err: (line: string) => void;
  write: (chunk: string) => void;
  readPassword: CliIo['readPassword'];
  /** The repositories and services over the opened database, built on first use. */
  context: () => AppContext;
}

/** What a command that opens no database gets: everything but the context. */
type BareInvocation = Omit<Invocation, 'context'>;

type Command = {
  /** The words after `colloquy` and what follows them, for the help text. */
  usage: string;
  summary: string;
  details?: string;
  options?: Options;
  /** How many positional arguments it takes: [min, max]. */
  arity: [number, number];
} & (
  /** The database opened for it, migrated or as it is. */
  | { database: 'migrated' | 'as-is'; run(inv: Invocation, db: Db): Promise<void> | void }
  /** No database opened: the command decides whether to open one (a restore must not create one). */
  | { database: 'none'; run(inv: BareInvocation): Promise<void> | void }
);

const passwordStdin: Options = {
  'password-stdin': { type: 'boolean', default: false },
};

/** The same password rule as the desk's, in the command line's words. */
function refusePassword(problem: PasswordProblem): never {
  throw new Refusal(problem === 'too-short'
    ? `The password must be at least ${MIN_PASSWORD_LENGTH} characters long; nothing was changed.`
    : `The password must be at most ${MAX_PASSWORD_LENGTH} characters long; nothing was changed.`);
}

/** The person named on the command line, or a refusal that names the missing one. */
function userNamed(services: AppContext['services'], username: string): User {
  const user = services.users.findByUsername(username);
  if (!user) throw new Refusal(`There is no user named "${username}".`);
  return user;
}

const contents = (c: { posts: number; pages: number; comments: number }) =>
  `${plural(c.posts, 'post')}, ${plural(c.pages, 'page')} and ${plural(c.comments, 'comment')}`;

/** `FILE` for a command that writes it: resolved, never the database, replaced only with --force. */
function outputFile(file: string, force: boolean, config: Config): string {
  const target = path.resolve(file);
  if (target === config.databasePath) throw new UsageError('FILE must be another file than the database itself.');
  const existing = fs.statSync(target, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new UsageError(`${file} is a folder; give a file name.`);
  if (existing && !force) throw new Refusal(`${file} exists already; add --force to replace it.`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  return target;
}

/** Refuses a FILE that cannot be read, before an import starts reading it as a stream. */
function checkInputFile(file: string): void {
  try {
    if (fs.statSync(file).isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    fs.accessSync(file, fs.constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new Refusal(`Cannot read ${file}: ${why}. Nothing was imported.`);
  }
}

/** "3 posts and 4 comments": the kinds there are some of. */
function someOf(c: { posts: number; pages: number; comments: number }): string {
  const parts = ([[c.posts, 'post'], [c.pages, 'page'], [c.comments, 'comment']] as const).filter(([n]) => n !== 0).map(([n, one]) => plural(n, one));
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0] ?? '';
}

function importReport(file: string, { counts, createdAuthors, personalData, attachments }: ImportReport): string[] {
  const lines = [counts.posts + counts.pages + counts.comments === 0 ? `Imported nothing new from ${file}.` : `Imported ${contents(counts)} from ${file}.`];
  const { alreadyHere, deletedHere } = counts;
  if (someOf(alreadyHere)) lines.push(`${someOf(alreadyHere)} already here from an earlier import: left as ${alreadyHere.posts + alreadyHere.pages + alreadyHere.comments === 1 ? 'it is' : 'they are'}.`);
  if (someOf(deletedHere)) lines.push(`${someOf(deletedHere)} imported before and deleted here since: left deleted.`);
  if (counts.skippedItems || counts.skippedComments) {
    lines.push(`Skipped ${plural(counts.skippedItems, 'item')} that ${counts.skippedItems === 1 ? 'is' : 'are'} not a post or page (menus, revisions, trashed posts) and ${plural(counts.skippedComments, 'pingback or trackback', 'pingbacks and trackbacks')}.`);
  }
  if (counts.usersMatched) {
    lines.push(`Matched ${plural(counts.usersMatched, 'author')} to ${counts.usersMatched === 1 ? 'an existing user' : 'existing users'} of the same name.`);
  }
  const renamed = createdAuthors.filter((a) => a.renamedFrom !== undefined);
  if (renamed.length) {
    lines.push(
      `Renamed ${plural(renamed.length, 'WordPress login')} that ${renamed.length === 1 ? 'is' : 'are'} not a usable name (${USERNAME_RULE}):`,
      ...renamed.map((a) => `  "${a.renamedFrom}" is now "${a.username}"`),
    );
  }
  if (createdAuthors.length) {
    lines.push(
      `Created ${plural(createdAuthors.length, 'author')} who cannot log in yet: WordPress passwords do not carry over.`,
      'Give each one a password with:',
      ...createdAuthors.map((a) => `  npx colloquy user passwd ${a.username}`),
    );
  }
  if (personalData.length) {
    lines.push(
      `${plural(personalData.length, 'published post')} ${personalData.length === 1 ? 'seems' : 'seem'} to hold personal data. ${personalData.length === 1 ? 'It stays' : 'They stay'} published, as ${personalData.length === 1 ? 'it was' : 'they were'}; check ${personalData.length === 1 ? 'it' : 'each one'}:`,
      ...personalData.map((p) => `  /posts/${p.slug}: ${p.findings}`),
    );
  }
  if (attachments.length) {
    lines.push(
      `${plural(attachments.length, 'attachment')} (images and other files) ${attachments.length === 1 ? 'was' : 'were'} not fetched: Colloquy cannot download from here. Upload ${attachments.length === 1 ? 'it' : 'the ones you need'} again; the original ${attachments.length === 1 ? 'address is' : 'addresses are'}:`,
      ...attachments.map((url) => `  ${url}`),
    );
  }
  return lines;
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: 'migrate',
    summary: 'Apply pending database migrations (npm start does this too).',
    arity: [0, 0],
    database: 'as-is',
    run({ out }, db) {
      const applied = migrate(db);
      out(applied.length ? `Applied ${applied.join(', ')}.` : 'The database is up to date.');
    },
  },

  'user add': {
    usage: 'user add NAME --role admin|author [--display-name TEXT] [--email ADDRESS] [--password-stdin]',
    summary: 'Create a person who can log in.',
    details: `The password is asked for twice at a hidden prompt, or read from standard input
with --password-stdin (one trailing newline is dropped). At least ${MIN_PASSWORD_LENGTH} characters.`,
    options: {
      role: { type: 'string' },
      'display-name': { type: 'string' },
      email: { type: 'string' },
      ...passwordStdin,
    },
    arity: [1, 1],
    database: 'migrated',
    async run({ positionals: [username = ''], values, out, readPassword, context }) {
      const role = values.role;
      if (typeof role !== 'string') throw new UsageError(`--role is required: ${ROLES.join(' or ')}.`);
      if (!isRole(role)) throw new UsageError(`Unknown role "${role}": use ${ROLES.join(' or ')}.`);
      if (!isUsername(username)) throw new UsageError(`"${username}" is not a usable name: ${USERNAME_RULE}.`);
      const { services } = context();
      // Asked before the password, so nobody types one for nothing.
      if (services.users.findByUsername(username)) throw new Refusal(`A user named "${username}" already exists.`);
      const password = await readPassword(values['password-stdin'] === true);
      const problem = passwordProblem(password);
      if (problem) refusePassword(problem);
      const displayName = typeof values['display-name'] === 'string' ? values['display-name'] : '';
      const email = typeof values.email === 'string' ? values.email : '';
      const outcome = await services.users.add({ username, display_name: displayName, email, role, password }, null);
      if (outcome.kind === 'invalid') {
        const why = Object.entries(outcome.errors).map(([field, message]) => `${field.replace('_', ' ')}: ${message}`).join(' ');
        throw new Refusal(outcome.errors.username === undefined ? `${why} Nothing was changed.` : `A user named "${username}" already exists.`);
      }
      out(`Created ${outcome.user.role} "${outcome.user.username}".`);
    },
  },

  'user passwd': {
    usage: 'user passwd NAME [--password-stdin]',
    summary: "Set a person's password.",
    details: 'The password is read as for `user add`.',
    options: passwordStdin,
    arity: [1, 1],
    database: 'migrated',
    async run({ positionals: [username = ''], values, out, readPassword, context }) {
      const { services } = context();
      const user = userNamed(services, username);
      const problem = await services.users.setPassword(user, await readPassword(values['password-stdin'] === true), null);
      if (problem) refusePassword(problem);
      out(`Changed the password of "${user.username}".`);
    },
  },

  'user rename': {
    usage: 'user rename OLD NEW',
    summary: "Change a person's username (what they log in with).",
    details: `NEW follows the same rule as a new user's name (${USERNAME_RULE}) and must not be
taken. Their sessions stay signed in; a display name that was only the old username
follows the new one. The audit log records the change.`,
    arity: [2, 2],
    database: 'migrated',
    run({ positionals: [from = '', to = ''], out, context }) {
      const { services } = context();
      const user = userNamed(services, from);
      const problem = services.users.rename(user, to, null);
      if (problem) throw new Refusal(`Cannot rename "${user.username}" to "${to}": ${problem} Nothing was changed.`);
      out(`Renamed "${user.username}" to "${to.trim()}".`);
    },
  },

  'user display-name': {
    usage: 'user display-name NAME TEXT',
    summary: 'Set the name that signs a person\'s posts and replies.',
    details: `TEXT is shown in bylines, on staff replies, in feeds, emails and exports, from
the next page served (quote it if it has spaces). 1 to 100 characters, one line.
The same as the Account page's display name; the audit log records the change.`,
    arity: [2, 2],
    database: 'migrated',
    run({ positionals: [username = '', name = ''], out, context }) {
      const { services } = context();
      const user = userNamed(services, username);
      const problem = services.users.setDisplayName(user, name, null);
      if (problem) throw new Refusal(`${problem} Nothing was changed.`);
      out(`"${user.username}" now signs as "${name.trim()}".`);
    },
  },

  rerender: {
    usage: 'rerender',
    summary: 'Render stored post and comment HTML again from the Markdown.',
    details: 'Run it after the Markdown or sanitising rules change. All or nothing: one transaction.',
    arity: [0, 0],
    database: 'migrated',
    run({ out, context }, db) {
      const { services } = context();
      const [posts, comments] = db.transaction((): [number, number] => [services.posts.rerenderAll(), services.comments.rerenderAll()])();
      out(`Rendered ${plural(posts, 'post')} and ${plural(comments, 'comment')} again.`);
    },
  },

  'import-wxr': {
    usage: 'import-wxr FILE',
    summary: 'Import a WordPress (WXR) export: posts, pages, tags, comments.',
    details: `In WordPress: Tools > Export > All content. The file is read twice, as a stream:
first checked whole, so a file that is not a sound WordPress export changes nothing;
then written in short transactions while the blog keeps serving. Authors are matched
to users by name; new ones are created as authors who cannot log in until
\`colloquy user passwd NAME\` gives them a password.

Running it again is safe: posts and comments imported before are recognised (by the
site and WordPress id, or the guid) and left as they are, edited here or not; only
what is new comes in, such as new comments on a post imported before. What was deleted
here stays deleted. Attachments are not downloaded: their addresses are listed.`,
    arity: [1, 1],
    database: 'migrated',
    async run({ positionals: [file = ''], out, context }, db) {
      checkInputFile(file);
      const ctx = context();
      let report;
      try {
        report = await importWxr({ db, ...ctx }, wxrFile(file));
      } catch (error) {
        if (error instanceof WxrImportError) throw new Refusal(`${file}: ${error.message} Nothing was imported.`);
        if (!(error instanceof WxrImportStopped)) throw error;
        for (const line of importReport(file, error.report)) out(line);
        throw new Refusal(`The import stopped part-way: ${error.message}. What is listed above is in; run the same command again to bring in the rest (what is here already is recognised).`);
      }
      for (const line of importReport(file, report)) out(line);
    },
  },

  'export-wxr': {
    usage: 'export-wxr [FILE] [--force]',
    summary: 'Export the blog as WordPress WXR, to FILE or to standard output.',
    details: `Every post, page (drafts and scheduled ones too), tag and comment, with each Markdown
source kept for a later import-wxr. Links are made absolute under BASE_URL or, where
that is unset, the address the blog last started with (kept in the database). FILE appears
only once complete, readable by you alone (it holds commenters' email addresses); an
existing FILE is replaced only with --force.`,
    options: { force: { type: 'boolean', default: false } },
    arity: [0, 1],
    database: 'migrated',
    run({ positionals: [file], values, config, out, err, write, context }) {
      const { repos } = context();
      if (file === undefined) {
        const counts = exportWxr(repos, config.baseUrl, write);
        // Standard output holds the XML alone: the summary goes to standard error.
        err(`Exported ${contents(counts)}.`);
        return;
      }
      const target = outputFile(file, values.force === true, config);
      const counts = writeFileAtomically(target, (chunk) => exportWxr(repos, config.baseUrl, chunk));
      out(`Exported ${contents(counts)} to ${target}.`);
    },
  },

  backup: {
    usage: 'backup FILE [--force] | backup --restore FILE',
    summary: 'Back the blog up to one .tar.gz archive, or restore one into an empty data folder.',
    details: `The archive holds a consistent copy of the database, taken while the blog keeps
running, and every uploaded image. Live sessions are left out. FILE appears only once
complete, readable by you alone; an existing FILE is replaced only with --force.

The secret key (KEY_FILE, or COLLOQUY_KEY) is never in the archive, so a stolen backup
cannot undo the keyed hashes of readers' addresses. Keep a copy of it apart: a blog
restored without it shows new avatars, and links in emails already sent stop working.

--restore FILE unpacks an archive into the data folder of DATABASE_PATH, which must be
empty (the key file may already be there); start the blog afterwards with npm start.`,
    options: { force: { type: 'boolean', default: false }, restore: { type: 'boolean', default: false } },
    arity: [1, 1],
    database: 'none',
    async run({ positionals: [file = ''], values, config, out }) {
      if (values.restore === true) {
        const { uploads } = await restoreBackup(file, config);
        out(`Restored the database and ${plural(uploads, 'uploaded file')} from ${file} into ${config.dataDir}.`);
        out(fs.existsSync(config.keyFile) || config.secretKey !== undefined
          ? 'Start the blog with npm start.'
          : `Before starting the blog, put the secret key back: copy your key file to ${config.keyFile} (mode 0600) or set COLLOQUY_KEY.`);
        return;
      }
      if (!fs.existsSync(config.databasePath)) throw new Refusal(`There is no database at ${config.databasePath}; nothing to back up.`);
      const target = outputFile(file, values.force === true, config);
      const db = openDatabase(config.databasePath);
      try {
        // A key an older version kept in the database moves to KEY_FILE first, so the
        // archive does not carry it and the copy of it that a restore needs exists.
        const hasSettings = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'settings'").get() !== undefined;
        if (hasSettings) loadSecretKey(config, createSettingsRepository(db));
        const { uploads, bytes } = await writeBackup(db, config.dataDir, target);
        out(`Backed up the database (without sessions) and ${plural(uploads, 'uploaded file')} to ${target} (${Math.ceil(bytes / 1024)} KB, readable by you alone).`);
        out(config.secretKey !== undefined
          ? 'The secret key is not in the archive: keep your COLLOQUY_KEY somewhere safe, apart from it.'
          : `The secret key is not in the archive: keep a copy of ${config.keyFile} somewhere safe, apart from it.`);
      } finally {
        db.close();
      }
    },
  },

  'erase-commenter': {
    usage: 'erase-commenter EMAIL [--dry-run]',
    summary: 'Erase everything stored under a commenter\'s email address.',
    details: `For a reader who asks to be forgotten. Every comment written with EMAIL (capitals do
not matter), in any state, is deleted with the name, website, text, address hash and
browser kept with it; one that others replied to stays as an empty "removed"
placeholder so the thread keeps its shape. Readers' reports on them go too. All in
one transaction; the audit log records how many comments went, not the address.
--dry-run only says how many comments would be erased.`,
    options: { 'dry-run': { type: 'boolean', default: false } },
    arity: [1, 1],
    database: 'migrated',
    run({ positionals: [email = ''], values, out, context }) {
      if (erasureKey(email) === undefined) throw new UsageError(`"${email}" is not an email address.`);
      const service = context().services.erasure;
      if (values['dry-run'] === true) {
        const count = service.countFor(email);
        out(count === 0 ? 'Nothing is stored under that address.' : `${plural(count, 'comment')} would be erased. Run again without --dry-run to erase ${count === 1 ? 'it' : 'them'}.`);
        return;
      }
      out(erasureSummary(service.eraseCommenter(email, null)));
    },
  },
};

const HELP = { help: { type: 'boolean', short: 'h', default: false } } satisfies Options;

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'Usage: colloquy <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `colloquy <command> --help` or `colloquy help <command>` for its options.',
    ...HELP_FOOTER,
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`Usage: colloquy ${c.usage}`, '', c.summary, ...(c.details ? ['', c.details] : []), '', ...HELP_FOOTER].join('\n');
}

const HELP_FOOTER = ['Every command reads the same environment as the server (DATABASE_PATH and the rest).', 'Exit codes: 0 done, 1 refused or failed, 2 bad usage.'];

/** The commands whose first word is `group` (`user`), or none when it names no group. */
function commandsIn(group: string): [string, Command][] {
  return Object.entries(COMMANDS).filter(([name]) => name.startsWith(`${group} `));
}

function groupHelp(group: string, members: [string, Command][]): string {
  return [
    `Usage: colloquy ${group} <command> [options]`,
    '',
    ...members.flatMap(([, c]) => [`  colloquy ${c.usage}`, `      ${c.summary}`]),
    '',
    `Run \`colloquy ${group} <command> --help\` (or \`colloquy help ${group} <command>\`) for its details.`,
  ].join('\n');
}

/** `help`, `help COMMAND`, `help GROUP`, or a group's name alone or with --help: the help asked for, if that is what argv asks. */
function helpFor(argv: string[]): { text: string; code: number } | undefined {
  const [first, ...rest] = argv;
  if (first === undefined) return { text: mainHelp(), code: 2 };
  if (first === 'help' || first === '--help' || first === '-h') {
    const words = rest.filter((a) => a !== '--help' && a !== '-h');
    if (words.length === 0) return { text: mainHelp(), code: 0 };
    const found = findCommand(words);
    if (found && found[1].length === 0) return { text: commandHelp(COMMANDS[found[0]]!), code: 0 };
    const members = words.length === 1 ? commandsIn(words[0]!) : [];
    if (members.length) return { text: groupHelp(words[0]!, members), code: 0 };
    throw new UsageError(`There is no command "${words.join(' ')}". Run \`colloquy --help\` for the list.`);
  }
  const members = commandsIn(first);
  if (members.length === 0) return undefined;
  // `colloquy user` alone is a question left unfinished: the list, as bad usage.
  if (rest.length === 0) return { text: groupHelp(first, members), code: 2 };
  if (rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help') return { text: groupHelp(first, members), code: 0 };
  return undefined;
}

/** The command named by the first one or two words of argv, and the words after it. */
function findCommand(argv: string[]): [string, string[]] | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    if (words <= argv.length && name in COMMANDS) return [name, argv.slice(words)];
  }
  return undefined;
}

export const processIo: CliIo = {
  env: process.env,
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  write: (chunk) => void process.stdout.write(chunk),
  readPassword: readNewPassword,
};

/** Runs one command line; resolves to the exit code, having said why on `err` if not 0. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    const [code, message] = describeFailure(error);
    io.err(message);
    return code;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    const help = helpFor(argv);
    if (help) {
      io.out(help.text);
      return help.code;
    }
    const group = commandsIn(argv[0] ?? '');
    if (group.length) throw new UsageError(`Unknown command "${argv.slice(0, 2).join(' ')}".\n\n${groupHelp(argv[0]!, group)}`);
    throw new UsageError(`Unknown command "${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}". Run \`colloquy --help\` for the list.`);
  }
  const [name, rest] = found;
  const command = COMMANDS[name]!;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...HELP, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '.')}\n\n${commandHelp(command)}`);
  }
  if (parsed.values.help) {
    io.out(commandHelp(command));
    return 0;
  }
  const [min, max] = command.arity;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new UsageError(`Wrong number of arguments.\n\n${commandHelp(command)}`);
  }
  const config = loadConfig(io.env);
  const values = parsed.values as Invocation['values'];
  const invocation: BareInvocation = { positionals: parsed.positionals, values, config, out: io.out, err: io.err, write: io.write, readPassword: io.readPassword };
  if (command.database === 'none') {
    await command.run(invocation);
    return 0;
  }
  const db = openDatabase(config.databasePath);
  try {
    if (command.database === 'migrated') migrate(db);
    // Links as the running blog makes them: BASE_URL, or else the address it last started with.
    const settled = command.database === 'migrated' ? settleBaseUrl(config, createSettingsRepository(db), false) : config;
    let ctx: AppContext | undefined;
    const context = () => (ctx ??= buildContext({ db, config: settled }));
    await command.run({ ...invocation, config: settled, context }, db);
    return 0;
  } finally {
    db.close();
  }
}

function describeFailure(err: unknown): [number, string] {
  if (err instanceof UsageError) return [2, err.message];
  if (err instanceof ConfigError) return [2, `Configuration error: ${err.message}`];
  if (err instanceof Refusal || err instanceof InputError || err instanceof BackupError) return [1, err.message];
  return [1, err instanceof Error ? (err.stack ?? err.message) : String(err)];
}
