import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { makeUser, PASSWORD } from '../helpers/index.js';

let browser: Browser;
let served: ServedApp;

beforeAll(async () => {
  browser = await launchBrowser();
  served = await serveTestApp();
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

it('an author logs in, writes with a preview, publishes, approves a held comment and sees it on the public page', async () => {
  await makeUser(served.repos, 'admin', 'alice');
  // The reader below types faster than the two-second spam guard allows.
  served.repos.settings.save({ comment_min_seconds: 0 });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(`${served.url}/admin/posts/new`);
  await expect.poll(() => page.url()).toContain('/admin/login?next=%2Fadmin%2Fposts%2Fnew');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${served.url}/admin/posts/new`);

  await page.locator('#title').fill('Written in Chromium');
  await page.locator('#body').fill('Hello from the **editor**.');
  // The live preview, rendered by the server as the author types.
  await page.getByRole('button', { name: 'Live preview' }).click();
  await expect.poll(() => page.locator('#preview strong').textContent()).toBe('editor');
  await page.locator('#body').fill('Hello from the **editor**, *live*.');
  await expect.poll(() => page.locator('#preview em').textContent()).toBe('live');

  // The Preview button (a plain form button) opens the typed text on the real post page, in a new tab.
  const [tab] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: 'Preview', exact: true }).click()]);
  await tab.waitForLoadState('domcontentloaded');
  expect(await tab.locator('.post-content em').textContent()).toBe('live');
  await tab.close();
  expect(await page.locator('#title').inputValue()).toBe('Written in Chromium');

  await page.getByLabel('Status').selectOption('published');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/posts\/\d+\/edit$/);
  expect(await page.locator('.notice').textContent()).toContain('Post published.');
  expect(served.repos.posts.findBySlug('written-in-chromium')!.status).toBe('published');

  // A first-time reader, in a browser of their own, comments through the real form: held.
  const readerContext = await browser.newContext();
  const reader = await readerContext.newPage();
  reader.on('pageerror', (err) => errors.push(err.message));
  await reader.goto(`${served.url}/posts/written-in-chromium`);
  await reader.locator('#author').fill('Careful Reader');
  await reader.locator('#email').fill('reader@example.com');
  await reader.locator('#comment').fill('First, and *carefully*.');
  await Promise.all([reader.waitForURL(/\?unapproved=\d+#comment-\d+$/), reader.locator('#submit').click()]);
  const commentId = Number(/#comment-(\d+)$/.exec(reader.url())![1]);
  const held = reader.locator(`li#comment-${commentId}`);
  expect(await held.locator('.comment-awaiting-moderation').textContent()).toContain('awaiting moderation');
  expect(served.repos.comments.findById(commentId)).toMatchObject({ status: 'pending', author_name: 'Careful Reader' });

  // Nobody else sees it yet: not the author on the public page.
  await page.goto(`${served.url}/posts/written-in-chromium`);
  expect(await page.locator(`li#comment-${commentId}`).count()).toBe(0);

  await page.goto(`${served.url}/admin`);
  await page.getByRole('link', { name: /Comments/ }).first().click();
  await page.waitForURL(/\/admin\/comments/);
  const item = page.locator(`#comment-${commentId}`);
  expect(await item.locator('.held-reason').textContent()).toContain('First comment from this name and email address');
  await item.getByRole('button', { name: /Approve/ }).click();
  await expect.poll(() => page.locator('.notice').textContent()).toContain('Careful Reader approved');
  expect(served.repos.comments.findById(commentId)!.status).toBe('approved');

  await page.goto(`${served.url}/posts/written-in-chromium`);
  expect(await page.locator('h1.post-title').textContent()).toBe('Written in Chromium');
  expect(await page.locator('.post-content em').textContent()).toBe('live');
  const shown = page.locator(`ol.comment-list > li#comment-${commentId}.comment`);
  expect(await shown.locator('.comment-author').textContent()).toContain('Careful Reader');
  expect(await shown.locator('.comment-content em').textContent()).toBe('carefully');
  expect(await shown.locator('.comment-awaiting-moderation').count()).toBe(0);
  expect(await page.locator('#comments').textContent()).toBe('1 Response');
  await readerContext.close();
  expect(errors).toEqual([]);
});

it('selects every comment at once for a bulk action', async () => {
  const bob = await makeUser(served.repos, 'admin', 'bob');
  const postId = served.services.posts.create({
    kind: 'post', author_id: bob.id, title: 'Bulk', slug: '', body_md: 'x', excerpt: '', tags: [], status: 'published', published_at: null, comments_open: true,
  });
  const ids = [1, 2, 3].map((n) => served.repos.comments.insert({
    post_id: postId, parent_id: null, user_id: null, author_name: `Spammer ${n}`, author_email: `s${n}@example.com`, author_url: '',
    body_md: 'buy', body_html: '<p>buy</p>', status: 'pending', held_reason: 'links', ip_hash: '', user_agent: '',
  }));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${served.url}/admin/login?next=/admin/comments`);
  await page.getByLabel('Username').fill('bob');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/admin\/comments$/);
  await page.getByLabel('Select all').check();
  await page.getByLabel('With the selected').selectOption('spam');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect.poll(() => page.locator('.notice').textContent()).toContain('3 comments marked as spam');
  for (const id of ids) expect(served.repos.comments.findById(id)!.status).toBe('spam');
  await context.close();
});
