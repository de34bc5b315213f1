// Reads and validates the environment once, for the server and the command line alike.
import { isIP } from 'node:net';
import path from 'node:path';
import { DEFAULT_PASSWORD_COST, PASSWORD_COST_RANGE } from './users/passwords.js';
import { displayNameProblem, isUsername, USERNAME_RULE } from './users/user-rules.js';
import { parseProvidersJson, type Provider } from './oidc/providers.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Public origin for every absolute link, without a trailing slash. */
  readonly baseUrl: string;
  /** Whether BASE_URL was set; unset, the address the blog last started with is used (settleBaseUrl). */
  readonly baseUrlGiven: boolean;
  /** Handed to Express's `trust proxy`; false when off. */
  readonly trustProxy: false | string | number;
  readonly secureCookies: boolean;
  readonly databasePath: string;
  /** Folder beside the database for uploads and other files the blog keeps. */
  readonly dataDir: string;
  readonly adminUsername: string;
  /** ADMIN_DISPLAY_NAME: the name the first administrator signs with (default: the username). */
  readonly adminDisplayName: string;
  readonly adminPassword: string | undefined;
  readonly sessionSecret: string | undefined;
  /** Where the secret key for keyed hashes and signed stamps lives (KEY_FILE), outside the database. */
  readonly keyFile: string;
  /** COLLOQUY_KEY: the secret key given directly; it wins over keyFile. */
  readonly secretKey: string | undefined;
  /** log2 of scrypt's N for new password hashes (PASSWORD_HASH_COST); older hashes are upgraded at log-in. */
  readonly passwordCost: number;
  readonly logLevel: string;
  /** Where mail goes (smtp:// or smtps://); unset: written as .eml files to `mailDir`. */
  readonly smtpUrl: string | undefined;
  /** The From of every message. */
  readonly mailFrom: string;
  /** mail/ beside the database: messages written there when there is no SMTP_URL. */
  readonly mailDir: string;
  /** NODE_ENV=development: views are read again on every render, so edits show at once. */
  readonly development: boolean;
  /** Worker processes serving the one database; 1 serves from the starting process itself. */
  readonly webConcurrency: number;
  /** RENDER_CACHE_MB: memory for rendered public pages kept between writes; 0 turns the cache off. */
  readonly renderCacheBytes: number;
  /** OIDC_PROVIDERS: sign-in providers from the environment (the admin may add more in the settings). */
  readonly oidcProviders: readonly Provider[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// More workers than this is a typo, not a machine: each one holds its own compiled
// views and database connection.
const MAX_WORKERS = 64;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** The shortest secret key accepted, from COLLOQUY_KEY or KEY_FILE alike. */
export const MIN_SECRET_KEY_LENGTH = 32;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const port = parsePort(env.PORT);
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
  const baseUrlGiven = nonEmpty(env.BASE_URL) !== undefined;
  const baseUrl = parseBaseUrl(nonEmpty(env.BASE_URL) ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  const databasePath = path.resolve(cwd, nonEmpty(env.DATABASE_PATH) ?? 'data/colloquy.db');
  const logLevel = nonEmpty(env.LOG_LEVEL) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`);
  }
  const sessionSecret = nonEmpty(env.SESSION_SECRET);
  if (sessionSecret !== undefined && sessionSecret.length < 16) {
    throw new ConfigError('SESSION_SECRET must be at least 16 characters long');
  }
  // The same name rule as the desk and the command line: the first administrator must be able to log in by it.
  const adminUsername = nonEmpty(env.ADMIN_USERNAME) ?? 'admin';
  if (!isUsername(adminUsername)) {
    throw new ConfigError(`ADMIN_USERNAME must be ${USERNAME_RULE}; got "${adminUsername}"`);
  }
  const adminDisplayName = nonEmpty(env.ADMIN_DISPLAY_NAME) ?? adminUsername;
  const nameProblem = displayNameProblem(adminDisplayName);
  if (nameProblem) throw new ConfigError(`ADMIN_DISPLAY_NAME: ${nameProblem}`);
  const smtpUrl = nonEmpty(env.SMTP_URL);
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  }
  const secretKey = nonEmpty(env.COLLOQUY_KEY);
  if (secretKey !== undefined && secretKey.length < MIN_SECRET_KEY_LENGTH) {
    throw new ConfigError(`COLLOQUY_KEY must be at least ${MIN_SECRET_KEY_LENGTH} characters long (try: openssl rand -base64 32)`);
  }
  return Object.freeze({
    port,
    host,
    baseUrl,
    baseUrlGiven,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    secureCookies: baseUrl.startsWith('https:'),
    databasePath,
    dataDir: path.dirname(databasePath),
    adminUsername,
    adminDisplayName,
    adminPassword: nonEmpty(env.ADMIN_PASSWORD),
    sessionSecret,
    keyFile: path.resolve(cwd, nonEmpty(env.KEY_FILE) ?? path.join(path.dirname(databasePath), 'colloquy.key')),
    secretKey,
    passwordCost: parsePasswordCost(env.PASSWORD_HASH_COST),
    logLevel,
    smtpUrl,
    mailFrom: nonEmpty(env.MAIL_FROM) ?? defaultMailFrom(baseUrl),
    mailDir: path.join(path.dirname(databasePath), 'mail'),
    development: env.NODE_ENV === 'development',
    webConcurrency: parseWorkers(env.WEB_CONCURRENCY),
    renderCacheBytes: parseMegabytes(env.RENDER_CACHE_MB, 32, 'RENDER_CACHE_MB') * 1024 * 1024,
    oidcProviders: parseOidcProviders(env.OIDC_PROVIDERS),
  });
}

const defaultMailFrom = (baseUrl: string) => `Colloquy <no-reply@${new URL(baseUrl).hostname}>`;

/** Where the public address is kept between starts: the settings' internal values. */
export interface BaseUrlStore {
  getInternal(key: string): string | undefined;
  setInternal(key: string, value: string): void;
}

const BASE_URL_KEY = 'base_url';

/**
 * The public address, kept in the database. A start with BASE_URL set (`remember`:
 * the server, not the command line) stores it; with BASE_URL unset, the stored one
 * wins over the http://HOST:PORT default, so the command line and a restart without
 * the variable make the same links as the running blog. Only the operator's own
 * setting is kept, never a request's Host header, which any client can set: taking
 * it would let the first visitor choose where feeds, emails and exports point.
 */
export function settleBaseUrl(config: Config, store: BaseUrlStore, remember: boolean): Config {
  if (config.baseUrlGiven) {
    if (remember && store.getInternal(BASE_URL_KEY) !== config.baseUrl) store.setInternal(BASE_URL_KEY, config.baseUrl);
    return config;
  }
  const stored = store.getInternal(BASE_URL_KEY);
  if (stored === undefined) return config;
  let baseUrl: string;
  try {
    baseUrl = parseBaseUrl(stored);
  } catch {
    return config;
  }
  // MAIL_FROM and secure cookies follow the address, as they would from BASE_URL itself.
  const mailFrom = config.mailFrom === defaultMailFrom(config.baseUrl) ? defaultMailFrom(baseUrl) : config.mailFrom;
  return Object.freeze({ ...config, baseUrl, secureCookies: baseUrl.startsWith('https:'), mailFrom });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseOidcProviders(value: string | undefined): readonly Provider[] {
  const raw = nonEmpty(value);
  if (raw === undefined) return Object.freeze([]);
  const parsed = parseProvidersJson(raw);
  if (!parsed.ok) throw new ConfigError(`OIDC_PROVIDERS ${parsed.error}`);
  return Object.freeze(parsed.value.map((p) => Object.freeze(p)));
}

function parsePort(value: string | undefined): number {
  const raw = nonEmpty(value);
  if (raw === undefined) return 3000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535; got "${raw}"`);
  }
  return port;
}

function parseWorkers(value: string | undefined): number {
  const raw = nonEmpty(value);
  if (raw === undefined) return 1;
  const workers = Number(raw);
  if (!/^\d{1,9}$/.test(raw) || workers < 1 || workers > MAX_WORKERS) {
    throw new ConfigError(`WEB_CONCURRENCY must be a whole number from 1 to ${MAX_WORKERS}; got "${raw}"`);
  }
  return workers;
}

function parseMegabytes(value: string | undefined, fallback: number, name: string): number {
  const raw = nonEmpty(value);
  if (raw === undefined) return fallback;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 16384) {
    throw new ConfigError(`${name} must be a whole number of megabytes from 0 to 16384; got "${raw}"`);
  }
  return Number(raw);
}

function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`BASE_URL must be an absolute http(s) URL; got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`BASE_URL must start with http:// or https://; got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

// Express's names for address ranges; anything else in the list is an address or a CIDR.
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const TRUST_PROXY_CHOICES =
  'Give the number of proxies in front of Colloquy (for example 1), "loopback" for a proxy on this machine, ' +
  'or the proxies\' addresses or CIDRs (for example 10.0.0.1 or 10.0.0.0/8, comma separated).';

function parseTrustProxy(value: string | undefined): false | string | number {
  const raw = nonEmpty(value);
  if (raw === undefined || raw === '0' || raw.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  // Trusting every hop would take the client address from X-Forwarded-For as sent,
  // so anyone could pick the address that rate limits and report counts see.
  if (['true', 'yes', 'on', '*', 'all'].includes(raw.toLowerCase())) {
    throw new ConfigError(`TRUST_PROXY=${raw} is refused: trusting every hop lets anyone fake their address. ${TRUST_PROXY_CHOICES}`);
  }
  for (const entry of raw.split(',').map((part) => part.trim())) {
    if (PROXY_RANGES.includes(entry)) continue;
    const [address = '', bits, ...extra] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
    if (family === 0 || extra.length > 0 || prefix < 0 || prefix > max) {
      throw new ConfigError(`TRUST_PROXY: "${entry}" is not a hop count, a range name or an address. ${TRUST_PROXY_CHOICES}`);
    }
    if (prefix === 0) {
      throw new ConfigError(`TRUST_PROXY: "${entry}" trusts every address, which lets anyone fake theirs. ${TRUST_PROXY_CHOICES}`);
    }
  }
  return raw;
}

function parsePasswordCost(value: string | undefined): number {
  const raw = nonEmpty(value);
  if (raw === undefined) return DEFAULT_PASSWORD_COST;
  const cost = Number(raw);
  if (!/^\d+$/.test(raw) || cost < PASSWORD_COST_RANGE.min || cost > PASSWORD_COST_RANGE.max) {
    throw new ConfigError(`PASSWORD_HASH_COST must be a whole number from ${PASSWORD_COST_RANGE.min} to ${PASSWORD_COST_RANGE.max} (log2 of scrypt's N); got "${raw}"`);
  }
  return cost;
}
