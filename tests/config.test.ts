import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, '/srv/blog');
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      baseUrl: 'http://127.0.0.1:3000',
      trustProxy: false,
      secureCookies: false,
      databasePath: path.resolve('/srv/blog/data/colloquy.db'),
      dataDir: path.resolve('/srv/blog/data'),
      adminUsername: 'admin',
      adminPassword: undefined,
      sessionSecret: undefined,
      logLevel: 'info',
      smtpUrl: undefined,
      mailFrom: 'Colloquy <no-reply@127.0.0.1>',
      mailDir: path.resolve('/srv/blog/data/mail'),
      development: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the mail settings: SMTP_URL must be smtp:// or smtps://, MAIL_FROM defaults to the host of BASE_URL', () => {
    const config = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example:465', BASE_URL: 'https://blog.example.org:8443/' });
    expect(config.smtpUrl).toBe('smtps://u:p@mail.example:465');
    expect(config.mailFrom).toBe('Colloquy <no-reply@blog.example.org>');
    expect(loadConfig({ MAIL_FROM: 'Ann <ann@example.org>' }).mailFrom).toBe('Ann <ann@example.org>');
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(ConfigError);
  });

  it('builds BASE_URL from HOST and PORT, brackets IPv6, and drops a trailing slash', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).baseUrl).toBe('http://0.0.0.0:8080');
    expect(loadConfig({ HOST: '::1' }).baseUrl).toBe('http://[::1]:3000');
    expect(loadConfig({ BASE_URL: 'https://blog.example.org/' }).baseUrl).toBe('https://blog.example.org');
    expect(loadConfig({ BASE_URL: 'https://example.org/blog/' }).baseUrl).toBe('https://example.org/blog');
  });

  it('marks cookies Secure exactly when BASE_URL is https', () => {
    expect(loadConfig({ BASE_URL: 'https://blog.example.org' }).secureCookies).toBe(true);
    expect(loadConfig({ BASE_URL: 'http://blog.example.org' }).secureCookies).toBe(false);
  });

  it('reads TRUST_PROXY: off for unset, empty, 0 and false; anything else handed to Express', () => {
    for (const off of [undefined, '', ' ', '0', 'false', 'FALSE']) expect(loadConfig({ TRUST_PROXY: off }).trustProxy, String(off)).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' }).trustProxy).toBe('10.0.0.0/8, 192.168.1.1');
  });

  it('resolves DATABASE_PATH against the working directory and keeps data beside it', () => {
    const config = loadConfig({ DATABASE_PATH: 'var/blog.sqlite' }, '/srv/blog');
    expect(config.databasePath).toBe(path.resolve('/srv/blog/var/blog.sqlite'));
    expect(config.dataDir).toBe(path.resolve('/srv/blog/var'));
  });

  it('passes the admin and session values through', () => {
    const config = loadConfig({ ADMIN_USERNAME: 'ada', ADMIN_PASSWORD: 'pw', SESSION_SECRET: 'x'.repeat(32), LOG_LEVEL: 'warn' });
    expect(config).toMatchObject({ adminUsername: 'ada', adminPassword: 'pw', sessionSecret: 'x'.repeat(32), logLevel: 'warn' });
    expect(loadConfig({ NODE_ENV: 'development' }).development).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a whole number from 0 to 65535; got "abc"'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535; got "70000"'],
    [{ PORT: '-1' }, 'PORT must be a whole number'],
    [{ PORT: '80.5' }, 'PORT must be a whole number'],
    [{ BASE_URL: 'blog.example.org' }, 'BASE_URL must be an absolute http(s) URL; got "blog.example.org"'],
    [{ BASE_URL: 'ftp://example.org' }, 'BASE_URL must start with http:// or https://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET must be at least 16 characters long'],
  ])('rejects %o with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
