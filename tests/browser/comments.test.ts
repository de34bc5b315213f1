import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { makePost, makeUser } from '../helpers/index.js';

let browser: Browser;
let served: ServedApp;

beforeAll(async () => {
  browser = await launchBrowser();
  served = await serveTestApp();
  served.repos.settings.save({ comment_moderation: 'none', comment_min_seconds: 0 });
  const author = await makeUser(served.repos);
  makePost(served, author, { title: 'Without script' });
  makePost(served, author, { title: 'With script' });
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

async function fillAndSend(page: Page, name: string, text: string) {
  const form = page.locator('#commentform');
  if (await form.locator('#author').inputValue() === '') {
    await form.locator('#author').fill(name);
    await form.locator('#email').fill(`${name.toLowerCase()}@example.com`);
  }
  await form.locator('#comment').fill(text);
  await Promise.all([page.waitForURL(/#comment-\d+$/), form.locator('#submit').click()]);
  return Number(/#comment-(\d+)$/.exec(page.url())![1]);
}

/** The ids of the comment chain from a top-level comment down through nested lists. */
async function nestedChain(page: Page, ids: number[]): Promise<number> {
  const selector = ids.map((id, i) => `${i === 0 ? 'ol.comment-list > ' : 'ol.children > '}li#comment-${id}.depth-${i + 1}`).join(' > ');
  return page.locator(selector).count();
}

describe('comments in Chromium', () => {
  it('posts a comment and replies three levels deep without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${served.url}/posts/without-script`);
    expect(await page.locator('#comments').textContent()).toBe('No Responses');

    // First submission: no session yet, so the server hands the form back with a token.
    await page.fill('#author', 'Nora');
    await page.fill('#email', 'nora@example.com');
    await page.fill('#comment', 'Top-level, no script.');
    await page.click('#submit');
    expect(await page.locator('h1').textContent()).toBe('One more click to post your comment');
    expect(await page.locator('#comment').inputValue()).toBe('Top-level, no script.');
    await Promise.all([page.waitForURL(/#comment-\d+$/), page.click('#submit')]);
    const first = Number(/#comment-(\d+)$/.exec(page.url())![1]);

    const ids = [first];
    for (const text of ['Reply one deep.', 'Reply two deep.']) {
      const parent = ids.at(-1)!;
      await Promise.all([page.waitForURL(/replyto=/), page.click(`#comment-${parent} > .comment-body a.comment-reply-link`)]);
      expect(await page.locator(`#comment-${parent} > #respond #commentform`).count()).toBe(1);
      expect(await page.locator('#comment_parent').inputValue()).toBe(String(parent));
      ids.push(await fillAndSend(page, 'Nora', text));
    }
    expect(await page.locator('#comments').textContent()).toBe('3 Responses');
    expect(await nestedChain(page, ids)).toBe(1);
    expect(await page.locator(`#comment-${ids[2]} .comment-content`).textContent()).toBe('Reply two deep.');
    await context.close();
  });

  it('posts and replies three levels deep with JavaScript, the form moving instead of reloading', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${served.url}/posts/with-script`);
    expect(await context.cookies()).toEqual([]);

    await page.click('#author');
    await expect.poll(() => page.locator('#commentform input[name="_csrf"]').inputValue()).not.toBe('');
    const ids = [await fillAndSend(page, 'Jay', 'Top-level, with script.')];

    for (const text of ['Scripted reply one.', 'Scripted reply two.']) {
      const parent = ids.at(-1)!;
      const before = page.url();
      await page.click(`#comment-${parent} > .comment-body a.comment-reply-link`);
      expect(page.url()).toBe(before);
      expect(await page.locator(`#comment-${parent} > #respond`).count()).toBe(1);
      expect(await page.locator('#comment_parent').inputValue()).toBe(String(parent));
      expect(await page.locator('#reply-title .reply-title-text').textContent()).toBe('Replying to Jay');
      expect(await page.locator('#comment').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      ids.push(await fillAndSend(page, 'Jay', text));
    }
    expect(await nestedChain(page, ids)).toBe(1);

    // Cancel puts the form back at the end, aimed at the post again.
    await page.click(`#comment-${ids[0]} > .comment-body a.comment-reply-link`);
    await page.click('#cancel-comment-reply-link');
    expect(await page.locator('.comment-list #respond').count()).toBe(0);
    expect(await page.locator('#comment_parent').inputValue()).toBe('0');
    expect(await page.locator('#cancel-comment-reply-link').isHidden()).toBe(true);

    // The like button works through the same token, in place.
    await page.click('.like-button');
    await expect.poll(() => page.locator('.likes').textContent()).toBe('1 blogger likes this');
    expect(errors).toEqual([]);
    await context.close();
  });
});
