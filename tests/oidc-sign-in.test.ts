// Signing commenters in with OpenID Connect against a real provider on loopback
// (oidc-provider): the whole round trip by hand, and each refusal with its page, the
// typed comment surviving every one of them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OidcFetch } from '../src/oidc/oidc-client.js';
import { inputValue, makePost, makeTestApp, makeTestClock, makeUser, seedComment, textareaValue, type TestContext } from './helpers/index.js';
import { startSilentServer, startTestProvider, type TestProvider } from './helpers/oidc-provider.js';

type Agent = ReturnType<typeof request.agent>;

const BASE = 'http://127.0.0.1:3000';
const CALLBACK = `${BASE}/auth/test/callback`;
const pathOf = (url: string) => { const u = new URL(url); return `${u.pathname}${u.search}`; };

let provider: TestProvider;
let t: TestContext;
const clock = makeTestClock();
let slug = '';
let postId = 0;
let parentId = 0;
// Set by a test to change the token endpoint's answer on its way to the app.
let tamperToken: ((body: Record<string, unknown>) => Record<string, unknown>) | undefined;

const tamperingFetch: OidcFetch = async (url, init) => {
  const res = await fetch(url, init as RequestInit);
  if (!tamperToken || !url.endsWith('/token')) return res;
  const body = tamperToken((await res.json()) as Record<string, unknown>);
  return new Response(JSON.stringify(body), { status: res.status, headers: { 'content-type': 'application/json' } });
};

beforeAll(async () => {
  provider = await startTestProvider([CALLBACK]);
  const providers = [{ id: 'test', name: 'Test ID', issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret }];
  t = makeTestApp({ OIDC_PROVIDERS: JSON.stringify(providers) }, { clock, oidc: { fetch: tamperingFetch } });
  const author = await makeUser(t.repos, 'author');
  postId = makePost(t, author, { title: 'Signing in', slug: 'signing-in' });
  slug = t.repos.posts.findById(postId)!.slug;
  parentId = seedComment(t.repos, postId, { author_name: 'Earlier Reader' });
});

afterAll(async () => {
  t?.close();
  await provider?.close();
});

const TYPED = 'What I typed before signing in, kept *whole*.';

/** Presses the provider's button inside the comment form, as a browser without JavaScript does. */
function pressButton(agent: Agent, fields: Record<string, string> = {}) {
  return agent.post('/auth/test').type('form').send({ author: '', email: '', comment: TYPED, comment_parent: String(parentId), _csrf: '', return: `/posts/${slug}`, ...fields });
}

/** Follows the provider's redirects (its own cookies in `op`) until it sends the reader back to the blog. */
async function atProvider(authorizationUrl: string, op = request.agent(provider.issuer)): Promise<string> {
  let location = authorizationUrl;
  for (let hop = 0; hop < 8 && !location.startsWith(BASE); hop++) {
    const res = await op.get(pathOf(location));
    expect([302, 303]).toContain(res.status);
    location = new URL(res.headers.location as string, location).href;
  }
  expect(location.startsWith(CALLBACK)).toBe(true);
  return location;
}

/** Button, provider, and the callback URL the provider sent the reader back to (not yet visited). */
async function upToCallback(agent: Agent, tamperAuthorization?: (url: URL) => void): Promise<string> {
  const start = await pressButton(agent);
  expect(start.status).toBe(303);
  const authorization = new URL(start.headers.location as string);
  expect(authorization.origin).toBe(provider.issuer);
  tamperAuthorization?.(authorization);
  return atProvider(authorization.href);
}

const sessionCookie = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('colloquy.sid='))?.split(';')[0];

describe('signing in with an OpenID Connect provider', () => {
  it('sends the reader to the provider with PKCE, state and nonce, and keeps no secret in the address', async () => {
    const res = await pressButton(request.agent(t.app));
    const url = new URL(res.headers.location as string);
    expect(res.status).toBe(303);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    expect(url.href).not.toContain(provider.clientSecret);
  });

  it('signs the reader in, on a new session id, and brings them back to the same reply with the comment typed', async () => {
    const agent = request.agent(t.app);
    const start = await pressButton(agent);
    const before = sessionCookie(start);
    expect(before).toBeDefined();
    const back = await agent.get(pathOf(await atProvider(start.headers.location as string)));
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(`/posts/${slug}?replyto=${parentId}#respond`);
    const after = sessionCookie(back);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);

    const page = await agent.get(`/posts/${slug}?replyto=${parentId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('You are commenting as');
    expect(page.text).toContain('Alice Example');
    expect(textareaValue(page.text)).toBe(TYPED);
    expect(page.headers['cache-control']).toContain('no-store');
    // The new session's form carries a token, so a reader without JavaScript posts with one click.
    expect(inputValue(page.text, '_csrf')).toMatch(/^[\w-]{20,}$/);

    const stored = t.repos.commenters.findByIdentity('test', 'alice')!;
    expect(stored).toMatchObject({ name: 'Alice Example', email: 'alice@example.com', picture_url: 'https://images.example/alice.png' });
  });

  it('is one identity per subject across sign-ins, and keeps an email only when the provider verified it', async () => {
    const first = t.repos.commenters.findByIdentity('test', 'alice');
    const agent = request.agent(t.app);
    await agent.get(pathOf(await upToCallback(agent)));
    expect(t.repos.commenters.findByIdentity('test', 'alice')!.id).toBe(first!.id);

    provider.loginAs('bob');
    try {
      const other = request.agent(t.app);
      const back = await other.get(pathOf(await upToCallback(other)));
      expect(back.status).toBe(303);
      expect(t.repos.commenters.findByIdentity('test', 'bob')).toMatchObject({ name: 'Bob Unverified', email: null });
    } finally {
      provider.loginAs('alice');
    }
  });

  it('starts from a link with ?return= a local path, and refuses to send the reader to another site', async () => {
    for (const [asked, expected] of [[`/posts/${slug}`, `/posts/${slug}`], ['//evil.example/x', '/'], ['https://evil.example/', '/'], ['/\\evil.example', '/']] as const) {
      const agent = request.agent(t.app);
      const start = await agent.get(`/auth/test?return=${encodeURIComponent(asked)}`);
      expect(start.status).toBe(303);
      const back = await agent.get(pathOf(await atProvider(start.headers.location as string)));
      expect(back.status).toBe(303);
      expect(back.headers.location).toBe(expected);
    }
  });

  it("lets the post page's form be sent on to the provider (form-action), and no other site", async () => {
    // The second is served from the render cache, with the page's own policy.
    for (let i = 0; i < 2; i++) {
      const page = await request(t.app).get(`/posts/${slug}`);
      expect(page.text).toContain('formaction="/auth/test"');
      expect(page.headers['content-security-policy']).toContain(`form-action 'self' ${provider.issuer};`);
    }
    expect((await request(t.app).get('/admin/login')).headers['content-security-policy']).toContain("form-action 'self';");
  });

  it('a provider that signs in on another address than its issuer is reached by a link, the comment kept', async () => {
    const elsewhere = provider.issuer.replace('127.0.0.1', 'localhost');
    const movedEndpoint: OidcFetch = async (url, init) => {
      const res = await fetch(url, init as RequestInit);
      if (!url.endsWith('/.well-known/openid-configuration')) return res;
      const doc = (await res.json()) as Record<string, unknown>;
      return Response.json({ ...doc, authorization_endpoint: `${elsewhere}/auth` });
    };
    const providers = [{ id: 'test', name: 'Test ID', issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret }];
    const other = makeTestApp({ OIDC_PROVIDERS: JSON.stringify(providers) }, { oidc: { fetch: movedEndpoint } });
    try {
      const author = await makeUser(other.repos, 'author');
      makePost(other, author, { title: 'Elsewhere', slug: 'elsewhere' });
      const agent = request.agent(other.app);
      const res = await agent.post('/auth/test').type('form').send({ comment: TYPED, comment_parent: '0', return: '/posts/elsewhere' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('Continue to Test ID');
      expect(res.text).toMatch(new RegExp(`<a class="button primary" href="${elsewhere}/auth\\?[^"]*state=`));
      expect(textareaValue((await agent.get('/posts/elsewhere')).text)).toBe(TYPED);
      // The link from a link (GET) is a redirect as usual: no form rule holds it.
      expect((await agent.get('/auth/test?return=/')).status).toBe(303);
    } finally {
      other.close();
    }
  });

  it('answers 404 for a provider nobody configured', async () => {
    expect((await request(t.app).get('/auth/nobody')).status).toBe(404);
    expect((await request(t.app).post('/auth/nobody').type('form').send({ comment: 'x' })).status).toBe(404);
  });
});

describe('refusals: each a clear page, the typed comment kept', () => {
  /** The refusal page links back to the post, and the post gives the typed comment back. */
  async function commentSurvives(agent: Agent, refusal: request.Response) {
    expect(refusal.headers['cache-control']).toContain('no-store');
    expect(refusal.text).toContain('Your comment is kept');
    expect(refusal.text).toContain(`href="/posts/${slug}?replyto=${parentId}#respond"`);
    const page = await agent.get(`/posts/${slug}?replyto=${parentId}`);
    expect(textareaValue(page.text)).toBe(TYPED);
    expect(page.text).not.toContain('You are commenting as');
  }

  it('a forged state: 400, nobody signed in', async () => {
    const agent = request.agent(t.app);
    await pressButton(agent);
    const res = await agent.get('/auth/test/callback?code=stolen-code&state=forged-state');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Sign-in not recognised');
    expect(res.text).toContain('does not belong to a sign-in started in this browser');
    await commentSurvives(agent, res);
  });

  it('a replayed answer (the same callback twice): 400 the second time', async () => {
    const agent = request.agent(t.app);
    const callback = await upToCallback(agent);
    expect((await agent.get(pathOf(callback))).status).toBe(303);
    const again = await agent.get(pathOf(callback));
    expect(again.status).toBe(400);
    expect(again.text).toContain('Sign-in already used');
    expect(again.text).toContain(`href="/posts/${slug}?replyto=${parentId}#respond"`);
  });

  it('the same answer taken to another browser: 400, not signed in there', async () => {
    const agent = request.agent(t.app);
    const callback = await upToCallback(agent);
    const thief = request.agent(t.app);
    const res = await thief.get(pathOf(callback));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Sign-in not recognised');
  });

  it('a wrong nonce: 400', async () => {
    const agent = request.agent(t.app);
    const callback = await upToCallback(agent, (url) => url.searchParams.set('nonce', 'a-nonce-of-another-sign-in'));
    const res = await agent.get(pathOf(callback));
    expect(res.status).toBe(400);
    expect(res.text).toContain('its nonce does not match');
    await commentSurvives(agent, res);
  });

  it('an expired code: 400', async () => {
    const agent = request.agent(t.app);
    const callback = await upToCallback(agent);
    provider.expireCodes();
    const res = await agent.get(pathOf(callback));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Sign-in expired');
    expect(res.text).toContain('one-time code has expired or was already used');
    await commentSurvives(agent, res);
  });

  it('a sign-in left unfinished past 10 minutes: 400', async () => {
    const agent = request.agent(t.app);
    const callback = await upToCallback(agent);
    clock.advance(10 * 60 * 1000 + 1);
    const res = await agent.get(pathOf(callback));
    expect(res.status).toBe(400);
    expect(res.text).toContain('was not finished within 10 minutes');
    await commentSurvives(agent, res);
  });

  it('a sign-in the reader cancelled at the provider: 400', async () => {
    const agent = request.agent(t.app);
    const start = await pressButton(agent);
    const state = new URL(start.headers.location as string).searchParams.get('state')!;
    const res = await agent.get(`/auth/test/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Sign-in cancelled');
    await commentSurvives(agent, res);
  });

  it('an answer naming another issuer: 400', async () => {
    const agent = request.agent(t.app);
    const callback = new URL(await upToCallback(agent));
    callback.searchParams.set('iss', 'https://evil.example');
    const res = await agent.get(pathOf(callback.href));
    expect(res.status).toBe(400);
    expect(res.text).toContain('the issuer does not match');
    await commentSurvives(agent, res);
  });

  it('an ID token for another audience: 502', async () => {
    const agent = request.agent(t.app);
    const callback = await upToCallback(agent);
    tamperToken = (body) => {
      const [head, payload, signature] = String(body.id_token).split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      return { ...body, id_token: [head, Buffer.from(JSON.stringify({ ...claims, aud: 'another-site' })).toString('base64url'), signature].join('.') };
    };
    try {
      const res = await agent.get(pathOf(callback));
      expect(res.status).toBe(502);
      expect(res.text).toContain('meant for another site');
      await commentSurvives(agent, res);
    } finally {
      tamperToken = undefined;
    }
    expect(t.repos.commenters.findByIdentity('test', 'alice')).toBeDefined();
  });

  it('a provider whose discovery names another issuer: 502, and no reader is sent there', async () => {
    const local = provider.issuer.replace('127.0.0.1', 'localhost');
    const app = makeTestApp({ OIDC_PROVIDERS: JSON.stringify([{ id: 'test', name: 'Test ID', issuer: local, clientId: 'x', clientSecret: 'y' }]) });
    try {
      const res = await request(app.app).get('/auth/test?return=/');
      expect(res.status).toBe(502);
      expect(res.text).toContain('its issuer differs');
    } finally {
      app.close();
    }
  });
});

it('a provider that stops answering between sign-in and return: 502 past the limit, the comment kept', async () => {
  // Its token endpoint takes the connection and never answers; 50 ms stands for the 3 s limit.
  const hangingToken: OidcFetch = (url, init) => (url.endsWith('/token')
    ? new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)))
    : fetch(url, init as RequestInit));
  const providers = [{ id: 'test', name: 'Test ID', issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret }];
  const slow = makeTestApp({ OIDC_PROVIDERS: JSON.stringify(providers) }, { oidc: { timeoutMs: 50, fetch: hangingToken } });
  try {
    const author = await makeUser(slow.repos, 'author');
    makePost(slow, author, { title: 'Slow', slug: 'slow' });
    const agent = request.agent(slow.app);
    const start = await agent.post('/auth/test').type('form').send({ comment: TYPED, comment_parent: '0', return: '/posts/slow' });
    const res = await agent.get(pathOf(await atProvider(start.headers.location as string)));
    expect(res.status).toBe(502);
    expect(res.text).toContain('Test ID is not answering');
    expect(res.text).toContain('href="/posts/slow#respond"');
    expect(textareaValue((await agent.get('/posts/slow')).text)).toBe(TYPED);
  } finally {
    slow.close();
  }
});

describe('a provider that is down or never answers', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let down = '';
  let app: TestContext;

  beforeAll(async () => {
    silent = await startSilentServer();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    down = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const providers = [
      { id: 'hung', name: 'Hung ID', issuer: silent.url, clientId: 'x', clientSecret: 'y' },
      { id: 'down', name: 'Down ID', issuer: down, clientId: 'x', clientSecret: 'y' },
    ];
    // The limit is 3 s in production; 50 ms here, against a server that never answers at all.
    app = makeTestApp({ OIDC_PROVIDERS: JSON.stringify(providers) }, { oidc: { timeoutMs: 50 } });
    const author = await makeUser(app.repos, 'author');
    makePost(app, author, { title: 'Down', slug: 'down' });
  });

  afterAll(async () => {
    app?.close();
    await silent?.close();
  });

  for (const [id, name] of [['hung', 'Hung ID'], ['down', 'Down ID']] as const) {
    it(`${name}: 502 saying so, the comment kept, and anonymous commenting still works`, async () => {
      const agent = request.agent(app.app);
      const res = await agent.post(`/auth/${id}`).type('form').send({ comment: TYPED, comment_parent: '0', return: '/posts/down' });
      expect(res.status).toBe(502);
      expect(res.text).toContain(`${name} is not answering`);
      expect(res.text).toContain('Your comment is kept');
      const page = await agent.get('/posts/down');
      expect(textareaValue(page.text)).toBe(TYPED);
      expect(page.text).toContain(`formaction="/auth/${id}"`);
    });
  }
});
