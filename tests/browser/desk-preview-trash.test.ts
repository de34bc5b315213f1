// Preview and Trash, in Chromium: a draft at its real address under its banner (and 404
// for a reader), the editor's Preview in a new tab, and a post moved to the Trash,
// gone for readers, and restored.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, logInThroughForm, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { makePost, makeUser } from '../helpers/index.js';

let browser: Browser;
let served: ServedApp;
const SHOTS = '/work/shots';
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  browser = await launchBrowser();
  served = await serveTestApp();
  await makeUser(served.repos, 'author', 'alice');
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

it('shows the author a draft at its real address with the banner; a reader gets 404', async () => {
  const alice = served.repos.users.findByUsername('alice')!;
  const id = makePost(served, alice, {
    title: 'A winter garden', body_md: 'Kale, leeks and **patience**.\n\n- Mulch early\n- Water the soil', status: 'draft', published_at: null, tags: ['Garden'],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await logInThroughForm(page, served, '/admin/posts?status=draft');
  await page.getByRole('link', { name: 'Preview', exact: true }).click();
  await page.waitForURL(`${served.url}/posts/a-winter-garden`);
  const banner = page.locator('.preview-banner');
  expect(await banner.isVisible()).toBe(true);
  expect(await banner.textContent()).toContain('Preview — not published');
  expect(await page.locator('h1.post-title').textContent()).toBe('A winter garden');
  expect(await page.locator('.post-content strong').textContent()).toBe('patience');
  await page.screenshot({ path: `${SHOTS}/s13-desk-draft-preview.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${SHOTS}/s13-desk-draft-preview-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1200, height: 800 });

  // The editor's Preview button opens the typed, unsaved text in a new tab.
  await page.goto(`${served.url}/admin/posts/${id}/edit`);
  await page.locator('#title').fill('A winter garden, revised');
  const [tab] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Preview', exact: true }).click()]);
  await tab.waitForLoadState('domcontentloaded');
  expect(await tab.locator('h1.post-title').textContent()).toBe('A winter garden, revised');
  expect(await tab.locator('.preview-banner').textContent()).toContain('not yet saved');
  await tab.close();
  expect(served.repos.posts.findById(id)!.title).toBe('A winter garden');

  const reader = await browser.newContext();
  const readerPage = await reader.newPage();
  const answer = await readerPage.goto(`${served.url}/posts/a-winter-garden`);
  expect(answer!.status()).toBe(404);
  expect(await readerPage.content()).not.toContain('patience');
  await reader.close();
  expect(errors).toEqual([]);
  await context.close();
});

it('moves a post to the Trash after a confirmation, gone for readers, and restores it', async () => {
  const alice = served.repos.users.findByUsername('alice')!;
  const id = makePost(served, alice, { title: 'Notes from the allotment', body_md: 'Beans.' });
  makePost(served, alice, { title: 'An old recipe', body_md: 'Soup.' });
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await logInThroughForm(page, served, `/admin/posts/${id}/edit`);
  await page.getByRole('link', { name: 'Move to Trash…' }).click();
  await page.waitForURL(`${served.url}/admin/posts/${id}/delete`);
  expect(await page.locator('h1').textContent()).toContain('Delete “Notes from the allotment”?');
  await page.getByRole('button', { name: 'Move to Trash' }).click();
  await page.waitForURL(`${served.url}/admin/posts`);
  expect(await page.locator('.notice').textContent()).toContain('Moved “Notes from the allotment” to the Trash');

  const reader = await browser.newContext();
  const readerPage = await reader.newPage();
  expect((await readerPage.goto(`${served.url}/posts/notes-from-the-allotment`))!.status()).toBe(410);

  // A second one, so the Trash shows more than a single row.
  const other = served.repos.posts.findBySlug('an-old-recipe')!;
  served.services.posts.trash(other, alice.id);
  await page.locator('.tabs').getByRole('link', { name: /^Trash/ }).click();
  await page.waitForURL(`${served.url}/admin/posts?status=trash`);
  expect(await page.locator('.tabs a[aria-current="page"]').textContent()).toMatch(/Trash\s*\(2\)/);
  await page.screenshot({ path: `${SHOTS}/s13-desk-trash.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${SHOTS}/s13-desk-trash-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1200, height: 800 });

  const row = page.locator('tr', { hasText: 'Notes from the allotment' });
  await row.getByRole('button', { name: 'Restore' }).click();
  await page.waitForURL(`${served.url}/admin/posts?status=trash`);
  expect(await page.locator('.notice').textContent()).toContain('Restored “Notes from the allotment”');
  expect((await readerPage.goto(`${served.url}/posts/notes-from-the-allotment`))!.status()).toBe(200);
  expect(await readerPage.locator('h1.post-title').textContent()).toBe('Notes from the allotment');
  await reader.close();
  expect(errors).toEqual([]);
  await context.close();
});
