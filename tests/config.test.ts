import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settleBaseUrl } from '../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, '/srv/blog');
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      baseUrl: 'http://127.0.0.1:3000',
      baseUrlGiven: false,
      trustProxy: false,
      secureCookies: false,
      databasePath: path.resolve('/srv/blog/data/colloquy.db'),
      dataDir: path.resolve('/srv/blog/data'),
      adminUsername: 'admin',
      adminDisplayName: 'admin',
      adminPassword: undefined,
      sessionSecret: undefined,
      keyFile: path.resolve('/srv/blog/data/colloquy.key'),
      secretKey: undefined,
      passwordCost: 17,
      logLevel: 'info',
      smtpUrl: undefined,
      mailFrom: 'Colloquy <no-reply@127.0.0.1>',
      mailDir: path.resolve('/srv/blog/data/mail'),
      development: false,
      webConcurrency: 1,
      renderCacheBytes: 32 * 1024 * 1024,
      oidcProviders: [],
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

  it('refuses TRUST_PROXY=true and its kin, naming the alternatives', () => {
    for (const all of ['true', 'TRUE', 'True', 'yes', 'on', '*']) {
      expect(() => loadConfig({ TRUST_PROXY: all }), all).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: all }), all).toThrow(/trusting every hop lets anyone fake their address\. Give the number of proxies .*"loopback".*CIDRs/);
    }
    // Trusting every address by a range is the same hole.
    expect(() => loadConfig({ TRUST_PROXY: '0.0.0.0/0' })).toThrow(/trusts every address/);
    expect(() => loadConfig({ TRUST_PROXY: '::/0' })).toThrow(/trusts every address/);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.local' })).toThrow(/"proxy\.local" is not a hop count/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(loadConfig({ TRUST_PROXY: 'loopback, fd00::/8, 10.1.2.3' }).trustProxy).toBe('loopback, fd00::/8, 10.1.2.3');
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

  it('reads ADMIN_DISPLAY_NAME for the first administrator, by the display-name rule', () => {
    expect(loadConfig({ ADMIN_USERNAME: 'mary' }).adminDisplayName).toBe('mary');
    expect(loadConfig({ ADMIN_DISPLAY_NAME: ' Mary Gardener ' }).adminDisplayName).toBe('Mary Gardener');
    expect(() => loadConfig({ ADMIN_DISPLAY_NAME: 'x'.repeat(101) })).toThrow(/ADMIN_DISPLAY_NAME: Use at most 100 characters/);
  });

  it('keeps BASE_URL in the database when the server starts with it, and uses the kept one when it is unset', () => {
    const stored = new Map<string, string>();
    const store = { getInternal: (k: string) => stored.get(k), setInternal: (k: string, v: string) => void stored.set(k, v) };
    const unset = loadConfig({ MAIL_FROM: '' });
    // Nothing kept yet: the default stands.
    expect(settleBaseUrl(unset, store, true)).toBe(unset);
    // The command line reads it but never stores it.
    settleBaseUrl(loadConfig({ BASE_URL: 'https://cli.example' }), store, false);
    expect(stored.size).toBe(0);
    const given = loadConfig({ BASE_URL: 'https://blog.example/' });
    expect(settleBaseUrl(given, store, true)).toBe(given);
    expect(stored.get('base_url')).toBe('https://blog.example');
    const later = settleBaseUrl(unset, store, false);
    expect(later).toMatchObject({ baseUrl: 'https://blog.example', secureCookies: true, mailFrom: 'Colloquy <no-reply@blog.example>' });
    expect(Object.isFrozen(later)).toBe(true);
    // A chosen MAIL_FROM stays; a later BASE_URL wins and is kept instead.
    expect(settleBaseUrl(loadConfig({ MAIL_FROM: 'Ann <ann@example.org>' }), store, false).mailFrom).toBe('Ann <ann@example.org>');
    settleBaseUrl(loadConfig({ BASE_URL: 'https://moved.example' }), store, true);
    expect(settleBaseUrl(unset, store, false).baseUrl).toBe('https://moved.example');
  });

  it('reads WEB_CONCURRENCY as the number of worker processes', () => {
    expect(loadConfig({ WEB_CONCURRENCY: '' }).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: ' 2 ' }).webConcurrency).toBe(2);
    expect(loadConfig({ WEB_CONCURRENCY: '64' }).webConcurrency).toBe(64);
  });

  it('reads RENDER_CACHE_MB as whole megabytes, 0 turning the cache off', () => {
    expect(loadConfig({ RENDER_CACHE_MB: '64' }).renderCacheBytes).toBe(64 * 1024 * 1024);
    expect(loadConfig({ RENDER_CACHE_MB: '0' }).renderCacheBytes).toBe(0);
    for (const bad of ['-1', '1.5', 'lots', '99999']) {
      expect(() => loadConfig({ RENDER_CACHE_MB: bad }), bad).toThrow(/RENDER_CACHE_MB must be a whole number of megabytes/);
    }
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
    [{ WEB_CONCURRENCY: '0' }, 'WEB_CONCURRENCY must be a whole number from 1 to 64; got "0"'],
    [{ WEB_CONCURRENCY: '65' }, 'WEB_CONCURRENCY must be a whole number from 1 to 64'],
    [{ WEB_CONCURRENCY: '1.5' }, 'WEB_CONCURRENCY must be a whole number'],
    [{ WEB_CONCURRENCY: 'auto' }, 'WEB_CONCURRENCY must be a whole number'],
  ])('rejects %o with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
