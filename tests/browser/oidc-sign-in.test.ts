// Signing in to comment with an OpenID Connect provider in Chromium with JavaScript off:
// the provider's button inside the comment form, the provider (oidc-provider on
// loopback, logging in without a person), and back to the form with the typed comment.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { freePort } from '../helpers/nginx.js';
import { makePost, makeUser } from '../helpers/index.js';
import { startTestProvider, type TestProvider } from '../helpers/oidc-provider.js';

let browser: Browser;
let served: ServedApp;
let provider: TestProvider;

beforeAll(async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  provider = await startTestProvider([`${base}/auth/test/callback`]);
  const providers = [{ id: 'test', name: 'Test ID', issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, icon: '/static/favicon.svg' }];
  served = await serveTestApp({ BASE_URL: base, OIDC_PROVIDERS: JSON.stringify(providers) }, port);
  // A person types slower than a script: the form's minimum time is not what is tested here.
  served.repos.settings.save({ comment_min_seconds: 0, comment_moderation: 'none' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await provider?.close();
});

const TYPED = 'Typed before signing in, and still here after.';

async function signIn(page: Page) {
  await page.locator('#comment').fill(TYPED);
  await page.getByRole('button', { name: 'Sign in with Test ID' }).click();
  // Through the provider and back: the form then names who is commenting.
  await page.locator('.commenter-signed-in').waitFor();
}

it('a reader without JavaScript signs in with the provider and finds the typed comment in the form', async () => {
  const author = await makeUser(served.repos, 'admin', 'writer');
  makePost(served, author, { title: 'Sign in to say so', slug: 'sign-in-to-say-so' });
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${served.url}/posts/sign-in-to-say-so#respond`);
  await expect(page.getByRole('button', { name: 'Sign in with Test ID' }).count()).resolves.toBe(1);
  await page.locator('#respond').screenshot({ path: '/work/shots/s11-oidc-signed-out.png' });

  await signIn(page);
  expect(new URL(page.url()).pathname).toBe('/posts/sign-in-to-say-so');
  await expect(page.locator('.commenter-signed-in').textContent()).resolves.toContain('You are commenting as Alice Example');
  expect(await page.locator('#comment').inputValue()).toBe(TYPED);
  await expect(page.locator('#author').count()).resolves.toBe(0);
  await page.locator('#respond').screenshot({ path: '/work/shots/s11-oidc-signed-in.png' });
  await context.close();
});

it('the signed-in reader comments under their name, then logs out of that alone', async () => {
  const author = await makeUser(served.repos, 'admin', 'editor');
  makePost(served, author, { title: 'Then say it', slug: 'then-say-it' });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${served.url}/posts/then-say-it#respond`);
  await signIn(page);
  await page.getByRole('button', { name: 'Post Comment' }).click();
  await page.waitForLoadState('domcontentloaded');
  const comment = page.locator('.comment-list li.comment').last();
  await expect(comment.locator('.comment-author').textContent()).resolves.toContain('Alice Example');
  await expect(comment.locator('.comment-content').textContent()).resolves.toContain(TYPED);

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForLoadState('domcontentloaded');
  await page.goto(`${served.url}/posts/then-say-it#respond`);
  await expect(page.locator('.commenter-signed-in').count()).resolves.toBe(0);
  await expect(page.getByRole('button', { name: 'Sign in with Test ID' }).count()).resolves.toBe(1);
  await context.close();
});
