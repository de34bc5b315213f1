// The sign-in providers' rules as plain values: what a provider may be, OIDC_PROVIDERS,
// and who a provider's claims say the reader is.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { identityOf } from '../src/oidc/oidc-client.js';
import { issuerAllowed, parseProvider, parseProvidersJson } from '../src/oidc/providers.js';

const good = { id: 'google', name: 'Google', issuer: 'https://accounts.google.com', clientId: 'abc', clientSecret: 's3cret', icon: '' };

describe('a provider', () => {
  it('needs https, except on this machine', () => {
    expect(issuerAllowed('https://accounts.example.com')).toBe(true);
    expect(issuerAllowed('https://id.example.com/realms/blog')).toBe(true);
    expect(issuerAllowed('http://127.0.0.1:8080')).toBe(true);
    expect(issuerAllowed('http://localhost:8080')).toBe(true);
    expect(issuerAllowed('http://[::1]:8080')).toBe(true);
    expect(issuerAllowed('http://accounts.example.com')).toBe(false);
    expect(issuerAllowed('http://127.0.0.1.evil.example')).toBe(false);
    expect(issuerAllowed('https://accounts.example.com/?x=1')).toBe(false);
    expect(issuerAllowed('https://user:pass@accounts.example.com')).toBe(false);
    expect(issuerAllowed('ftp://accounts.example.com')).toBe(false);
    expect(issuerAllowed('not a url')).toBe(false);
  });

  it('names each wrong field', () => {
    expect(parseProvider(good)).toEqual({ ok: true, value: good });
    const bad = parseProvider({ id: 'Email', name: '', issuer: 'http://example.com', clientId: '', clientSecret: '', icon: 'javascript:alert(1)' });
    expect(bad.ok).toBe(false);
    expect(Object.keys(bad.ok ? {} : bad.errors).sort()).toEqual(['clientId', 'clientSecret', 'icon', 'id', 'issuer', 'name']);
    for (const id of ['email', 'logout', 'a b', 'x'.repeat(41), '-x']) expect(parseProvider({ ...good, id }).ok).toBe(false);
    expect(parseProvider({ ...good, icon: '/uploads/g.png' }).ok).toBe(true);
    expect(parseProvider({ ...good, icon: '//evil.example/g.png' }).ok).toBe(false);
    expect(parseProvider({ ...good, icon: 'http://example.com/g.png' }).ok).toBe(false);
  });
});

describe('OIDC_PROVIDERS', () => {
  it('is a JSON list of providers, each checked, ids unique', () => {
    expect(parseProvidersJson(JSON.stringify([good]))).toEqual({ ok: true, value: [good] });
    expect(parseProvidersJson('{')).toEqual({ ok: false, error: 'is not valid JSON' });
    expect(parseProvidersJson('{}').ok).toBe(false);
    expect(parseProvidersJson(JSON.stringify([good, good]))).toMatchObject({ ok: false, error: expect.stringContaining('used twice') });
    expect(parseProvidersJson(JSON.stringify([{ ...good, issuer: 'http://example.com' }]))).toMatchObject({ ok: false, error: expect.stringContaining('entry 1') });
  });

  it('stops the start with a message naming the variable', () => {
    expect(() => loadConfig({ OIDC_PROVIDERS: '[{"id":"x"}]' }, '/tmp')).toThrow(/^OIDC_PROVIDERS entry 1: /);
    expect(loadConfig({ OIDC_PROVIDERS: JSON.stringify([good]) }, '/tmp').oidcProviders).toEqual([good]);
    expect(loadConfig({}, '/tmp').oidcProviders).toEqual([]);
  });
});

describe("a provider's claims", () => {
  it('keep an email only when the same answer says it is verified', () => {
    expect(identityOf({ sub: 's', name: 'A', email: 'a@example.com', email_verified: true }, {}).email).toBe('a@example.com');
    expect(identityOf({ sub: 's', name: 'A', email: 'a@example.com', email_verified: false }, {}).email).toBeNull();
    expect(identityOf({ sub: 's', name: 'A', email: 'a@example.com' }, {}).email).toBeNull();
    expect(identityOf({ sub: 's', name: 'A', email: 'a@example.com', email_verified: 'true' }, {}).email).toBeNull();
    // UserInfo's address, with UserInfo's flag, never the ID token's flag for another address.
    expect(identityOf({ sub: 's', email: 'old@example.com', email_verified: true }, { email: 'new@example.com' }).email).toBeNull();
    expect(identityOf({ sub: 's' }, { email: 'new@example.com', email_verified: true }).email).toBe('new@example.com');
  });

  it('find a name wherever the provider put it', () => {
    expect(identityOf({ sub: 's', name: 'Ada Lovelace' }, {}).name).toBe('Ada Lovelace');
    expect(identityOf({ sub: 's' }, { given_name: 'Ada', family_name: 'Lovelace' }).name).toBe('Ada Lovelace');
    expect(identityOf({ sub: 's', preferred_username: 'ada' }, {}).name).toBe('ada');
    expect(identityOf({ sub: 's' }, {})).toEqual({ subject: 's', name: '', email: null, pictureUrl: null });
  });
});
