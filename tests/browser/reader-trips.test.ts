// Fewer trips for readers and moderators, in Chromium: the Reported tab's dismiss, a
// comment without JavaScript whose bad website address is marked on the first
// round-trip, and a like sent in place with JavaScript, the reader's place kept.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { makePost, makeUser, PASSWORD, seedComment } from '../helpers/index.js';

const SHOTS = '/work/shots';

let browser: Browser;
let served: ServedApp;

beforeAll(async () => {
  browser = await launchBrowser();
  served = await serveTestApp({ TRUST_PROXY: 'loopback' });
  served.repos.settings.save({ comment_min_seconds: 0, report_hide_threshold: 2 });
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** Screenshots for the closing note, when the folder is there to take them. */
async function shot(page: Page, name: string) {
  if (fs.existsSync(SHOTS)) await page.screenshot({ path: `${SHOTS}/s13-reader-${name}.png`, fullPage: false });
}

it('a moderator keeps a comment that reports had hidden, from the Reported tab', async () => {
  await makeUser(served.repos, 'admin', 'mod');
  const postId = makePost(served, await makeUser(served.repos, 'author', 'writer'), { title: 'On bread' });
  const hidden = seedComment(served.repos, postId, { author_name: 'Sam', body_md: 'Sourdough is overrated, honestly.' });
  const once = seedComment(served.repos, postId, { author_name: 'Lee', body_md: 'Rye or nothing.' });
  served.services.comments.reportComment(hidden, 'reader-a-0123456789', '203.0.113.1', 'rude about sourdough', 2);
  served.services.comments.reportComment(hidden, 'reader-b-0123456789', '203.0.113.2', '', 2);
  served.services.comments.reportComment(once, 'reader-c-0123456789', '203.0.113.3', 'off topic', 2);
  expect(served.repos.comments.findById(hidden)!.status).toBe('pending');

  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${served.url}/admin/login?next=%2Fadmin`);
  await page.getByLabel('Username').fill('mod');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${served.url}/admin`);
  expect(await page.locator('a[href="/admin/comments?status=reported"]').first().textContent()).toMatch(/2\s+reported/);

  await page.locator('a[href="/admin/comments?status=reported"]').first().click();
  await page.waitForURL(/status=reported$/);
  expect(await page.locator('.tabs a[aria-current="page"]').textContent()).toMatch(/Reported\s+\(2\)/);
  const item = page.locator(`#comment-${hidden}`);
  expect(await item.locator('.report-reasons').textContent()).toContain('rude about sourdough');
  expect(await item.locator('.held-reason').textContent()).toContain('hidden until reviewed');
  await shot(page, 'reported-tab');

  await item.getByRole('button', { name: /Keep \(dismiss reports\)/ }).click();
  await page.waitForURL(/status=reported$/);
  expect(await page.locator('.tabs a[aria-current="page"]').textContent()).toMatch(/Reported\s+\(1\)/);
  expect(await page.locator(`#comment-${hidden}`).count()).toBe(0);
  expect(served.repos.comments.findById(hidden)!.status).toBe('approved');

  await page.goto(`${served.url}/posts/on-bread`);
  expect(await page.locator(`#comment-${hidden} .comment-content`).textContent()).toContain('Sourdough is overrated');
  expect(errors).toEqual([]);
  await context.close();
});

it('without JavaScript, a bad website address is marked on the first round-trip and the second submit posts the comment', async () => {
  makePost(served, await makeUser(served.repos), { title: 'No script here' });
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${served.url}/posts/no-script-here`);
  await page.fill('#author', 'Ines');
  await page.fill('#email', 'ines@example.com');
  await page.fill('#url', 'my site');
  await page.fill('#comment', 'Kept through one trip.');
  await page.click('#submit');

  expect(await page.locator('h1').textContent()).toBe('One more click to post your comment');
  expect(await page.locator('.comment-refusal-message').textContent()).toContain('To protect this form we need one more click from you.');
  expect(await page.locator('#url-error').textContent()).toContain('http or https address');
  expect(await page.locator('#url').getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('#comment').inputValue()).toBe('Kept through one trip.');
  expect(await page.locator('#author').inputValue()).toBe('Ines');
  await page.locator('.comment-refusal h1').evaluate((el) => el.scrollIntoView());
  await shot(page, 'no-js-confirmation');

  await page.fill('#url', 'ines.example');
  await Promise.all([page.waitForURL(/#comment-\d+$/), page.click('#submit')]);
  const id = Number(/#comment-(\d+)$/.exec(page.url())![1]);
  expect(served.repos.comments.findById(id)).toMatchObject({ author_url: 'https://ines.example/', body_md: 'Kept through one trip.' });
  await context.close();
});

it('with JavaScript, a like far down a long page counts in place: no reload, the scroll position kept', async () => {
  const body = Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1} of a long read, so that the like button sits well below the fold.`).join('\n\n');
  const postId = makePost(served, await makeUser(served.repos), { title: 'A long read', body_md: body });
  for (let i = 0; i < 8; i++) seedComment(served.repos, postId, { body_md: `Thread comment ${i}` });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${served.url}/posts/a-long-read`);
  expect(await page.locator('.likes').textContent()).toBe('Be the first to like this');

  await page.locator('.like-button').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -200));
  // A mark on this very document: a reload would lose it.
  await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
  const before = await page.evaluate(() => window.scrollY);
  expect(before).toBeGreaterThan(500);
  await page.locator('.like-button').click();
  await expect.poll(() => page.locator('.likes').textContent()).toBe('1 blogger likes this');
  expect(await page.locator('.like-button').getAttribute('aria-pressed')).toBe('true');
  expect(await page.locator('.like-button').textContent()).toContain('Liked');
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(page.url()).toBe(`${served.url}/posts/a-long-read`);
  expect(await page.evaluate(() => window.scrollY)).toBe(before);
  expect(await page.locator('.like-button').evaluate((el) => el === document.activeElement)).toBe(true);
  expect(served.db.prepare('SELECT count(*) FROM likes WHERE post_id = ?').pluck().get(postId)).toBe(1);
  await shot(page, 'in-place-like');

  // Another reader, anonymous, sees the count at once (the shared page is not stale).
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(`${served.url}/posts/a-long-read`);
  expect(await other.locator('.likes').textContent()).toBe('1 blogger likes this');
  await fresh.close();
  expect(errors).toEqual([]);
  await context.close();
});
