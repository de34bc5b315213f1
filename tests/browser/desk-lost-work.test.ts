// No lost work, in Chromium: the editor autosaves while the author types and offers the
// text back after a closed tab; a save after the log-in ended shows the log-in on the
// same page, keeps the post, and saves it once logged in.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, logInThroughForm, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { makePost, makeUser, PASSWORD } from '../helpers/index.js';

let browser: Browser;
let served: ServedApp;
const SHOTS = '/work/shots';

beforeAll(async () => {
  browser = await launchBrowser();
  served = await serveTestApp();
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

it('autosaves while the author types, and after a closed tab offers the text back', async () => {
  const alice = served.repos.users.findByUsername('alice') ?? await makeUser(served.repos, 'author', 'alice');
  const id = makePost(served, alice, { title: 'Seed catalogue', body_md: 'The saved start.', status: 'draft', published_at: null });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await logInThroughForm(page, served, `/admin/posts/${id}/edit`);

  await page.locator('#body').fill('The saved start.\n\nThen an hour of notes on tomatoes, beans and the late frost.');
  await expect.poll(() => page.locator('.autosave-status').textContent(), { timeout: 15_000 }).toMatch(/^Draft autosaved at \d\d:\d\d\.$/);
  // The tab closes (or the browser crashes) before Save.
  page.removeAllListeners('dialog');
  await page.close({ runBeforeUnload: false });

  const again = await context.newPage();
  again.on('pageerror', (err) => errors.push(err.message));
  await again.goto(`${served.url}/admin/posts/${id}/edit`);
  const offer = again.locator('.unsaved-changes');
  await expect.poll(() => offer.textContent()).toMatch(/You have unsaved changes from \d\d:\d\d — restore/);
  expect(await again.locator('#body').inputValue()).toBe('The saved start.');
  await again.screenshot({ path: `${SHOTS}/s13-desk-unsaved-offer.png`, fullPage: true });

  await offer.getByRole('link', { name: 'restore' }).click();
  await again.waitForURL(/\?revision=\d+$/);
  expect(await again.locator('#body').inputValue()).toContain('an hour of notes on tomatoes');
  expect(await again.locator('.notice').first().textContent()).toContain('It is not saved yet');
  await again.locator('details.revisions summary').click();
  await again.screenshot({ path: `${SHOTS}/s13-desk-editor-restored.png`, fullPage: true });
  await again.getByRole('button', { name: 'Save' }).click();
  await again.waitForURL(`${served.url}/admin/posts/${id}/edit`);
  expect(served.repos.posts.findById(id)!.body_md).toContain('an hour of notes on tomatoes');
  expect(errors).toEqual([]);
  await context.close();
});

it('a save after logging out in another tab logs in on the same page and saves the post', async () => {
  const alice = served.repos.users.findByUsername('alice') ?? await makeUser(served.repos, 'author', 'alice');
  const id = makePost(served, alice, { title: 'Before the storm', body_md: 'Short.', status: 'draft', published_at: null });
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await logInThroughForm(page, served, `/admin/posts/${id}/edit`);
  await page.locator('#title').fill('After the storm');
  await page.locator('#body').fill('Three paragraphs written *after* the storm.\n\nNot one word may be lost.');

  // Another tab of the same browser logs out: the editor's session has ended.
  const other = await context.newPage();
  await other.goto(`${served.url}/admin`);
  await other.getByRole('button', { name: 'Log out' }).click();
  await other.waitForURL(/\/admin\/login\?out=1$/);
  await other.close();

  // The background save says so plainly.
  await page.locator('#excerpt').fill('A storm, and after.');
  await expect.poll(() => page.locator('.autosave-status').textContent(), { timeout: 15_000 }).toContain('your log-in has ended');

  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(`${served.url}/admin/posts/${id}`);
  expect(await page.locator('.notice').textContent()).toContain('your post is not saved yet');
  expect(await page.locator('.kept-post').textContent()).toContain('After the storm');
  expect(served.repos.posts.findById(id)!.title).toBe('Before the storm');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.screenshot({ path: `${SHOTS}/s13-desk-login-keeps-post.png`, fullPage: true });
  await page.getByRole('button', { name: 'Log in and save' }).click();
  await page.waitForURL(`${served.url}/admin/posts/${id}/edit`);
  expect(await page.locator('.notice').first().textContent()).toContain('You are logged in again. Post saved as a draft.');
  expect(served.repos.posts.findById(id)).toMatchObject({
    title: 'After the storm',
    excerpt: 'A storm, and after.',
  });
  expect(served.repos.posts.findById(id)!.body_md.replace(/\r\n/g, '\n')).toBe('Three paragraphs written *after* the storm.\n\nNot one word may be lost.');
  expect(await page.locator('#body').inputValue()).toContain('Not one word may be lost.');
  expect(errors).toEqual([]);
  await context.close();
});
