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
  /** Where mail goes (smtp:// or smtps://); unset: written as .eml files to `mailDir`. */
  readonly smtpUrl: string | undefined;
  /** The From of every message. */
  readonly mailFrom: string;
  /** mail/ beside the database: messages written there when there is no SMTP_URL. */
  readonly mailDir: string;
  /** NODE_ENV=development: views are read again on every render, so edits show at once. */
  readonly development: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

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
  const smtpUrl = nonEmpty(env.SMTP_URL);
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
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
    smtpUrl,
    mailFrom: nonEmpty(env.MAIL_FROM) ?? `Colloquy <no-reply@${new URL(baseUrl).hostname}>`,
    mailDir: path.join(path.dirname(databasePath), 'mail'),
    development: env.NODE_ENV === 'development',
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
