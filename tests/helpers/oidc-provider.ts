// A real OpenID Connect provider (the oidc-provider package) on a loopback port, for
// the sign-in tests: one client, a few accounts, and an interaction step that logs the
// next account in and consents at once, so no person has to click.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';

export interface TestAccount {
  name: string;
  email: string;
  email_verified: boolean;
  picture?: string;
}

export const TEST_ACCOUNTS: Record<string, TestAccount> = {
  alice: { name: 'Alice Example', email: 'alice@example.com', email_verified: true, picture: 'https://images.example/alice.png' },
  bob: { name: 'Bob Unverified', email: 'bob@example.com', email_verified: false },
};

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next sign-in logs in as (alice until changed). */
  loginAs(account: keyof typeof TEST_ACCOUNTS): void;
  /** Makes every authorization code issued so far expired, as if its minute had passed. */
  expireCodes(): void;
  close(): Promise<void>;
}

/** The provider's storage, in this test's memory, so codes can be aged by hand. */
function memoryAdapter(store: Map<string, AdapterPayload>) {
  return class implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string) { return `${this.model}:${id}`; }
    async upsert(id: string, payload: AdapterPayload) { store.set(this.key(id), { ...payload }); }
    async find(id: string) { return store.get(this.key(id)); }
    async findByUid(uid: string) { return [...store.entries()].find(([k, p]) => k.startsWith(`${this.model}:`) && p.uid === uid)?.[1]; }
    async findByUserCode() { return undefined; }
    async consume(id: string) { const p = store.get(this.key(id)); if (p) p.consumed = Math.floor(Date.now() / 1000); }
    async destroy(id: string) { store.delete(this.key(id)); }
    async revokeByGrantId(grantId: string) { for (const [k, p] of store) if (p.grantId === grantId) store.delete(k); }
  };
}

/** Starts the provider; `redirectUris` are the app's callbacks (BASE_URL/auth/ID/callback). */
export async function startTestProvider(redirectUris: string[]): Promise<TestProvider> {
  let handler: http.RequestListener = (_req, res) => res.end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = new Map<string, AdapterPayload>();
  let account = 'alice';
  const clientId = 'colloquy-test';
  const clientSecret = 'a-test-client-secret-of-some-length';
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(store),
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }],
    async findAccount(_ctx, id) {
      const found = TEST_ACCOUNTS[id];
      return found ? { accountId: id, claims: () => ({ sub: id, ...found }) } : undefined;
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-provider-cookie-key'] },
    ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Grant: 600, Interaction: 600, Session: 600 },
    jwks: { keys: [{ ...jwk, kid: 'test-key', use: 'sig', alg: 'RS256' } as never] },
  });
  const callback = provider.callback();
  handler = (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: account, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: account }, consent: { grantId } }, { mergeWithLastSubmission: false });
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  };

  return {
    issuer,
    clientId,
    clientSecret,
    loginAs: (name) => void (account = name),
    expireCodes() {
      for (const [key, payload] of store) if (key.startsWith('AuthorizationCode:')) payload.exp = Math.floor(Date.now() / 1000) - 60;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A server that takes connections and never answers: a provider that is up but hung. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
