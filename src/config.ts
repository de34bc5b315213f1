// Reads and validates the environment once, for the server and the command line alike.
import path from 'node:path';
import { isUsername, USERNAME_RULE } from './users/user-rules.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Public origin for every absolute link, without a trailing slash. */
  readonly baseUrl: string;
  /** Handed to Express's `trust proxy`; false when off. */
  readonly trustProxy: false | string | number;
  readonly secureCookies: boolean;
  readonly databasePath: string;
  /** Folder beside the database for uploads and other files the blog keeps. */
  readonly dataDir: string;
  readonly adminUsername: string;
  readonly adminPassword: string | undefined;
  readonly sessionSecret: string | undefined;
  readonly logLevel: string;
  /** NODE_ENV=development: views are read again on every render, so edits show at once. */
  readonly development: boolean;
  /** Worker processes serving the one database; 1 serves from the starting process itself. */
  readonly webConcurrency: number;
  /** RENDER_CACHE_MB: memory for rendered public pages kept between writes; 0 turns the cache off. */
  readonly renderCacheBytes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// More workers than this is a typo, not a machine: each one holds its own compiled
// views and database connection.
const MAX_WORKERS = 64;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const port = parsePort(env.PORT);
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
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
  return Object.freeze({
    port,
    host,
    baseUrl,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    secureCookies: baseUrl.startsWith('https:'),
    databasePath,
    dataDir: path.dirname(databasePath),
    adminUsername,
    adminPassword: nonEmpty(env.ADMIN_PASSWORD),
    sessionSecret,
    logLevel,
    development: env.NODE_ENV === 'development',
    webConcurrency: parseWorkers(env.WEB_CONCURRENCY),
    renderCacheBytes: parseMegabytes(env.RENDER_CACHE_MB, 32, 'RENDER_CACHE_MB') * 1024 * 1024,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
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

function parseTrustProxy(value: string | undefined): false | string | number {
  const raw = nonEmpty(value);
  if (raw === undefined || raw === '0' || raw.toLowerCase() === 'false') return false;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}
