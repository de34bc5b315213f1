/// <reference lib="dom" />
// The one design across the reading pages and the desk: a ten-deep thread and the
// desk's queue and editor fit a phone, the comment form's labels show, and the dark
// scheme reaches the thread, the form and the desk, not only the page behind them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { makeUser, PASSWORD, seedComment } from '../helpers/index.js';

let browser: Browser;
let served: ServedApp;
let slug: string;
let postId: number;
let admin: BrowserContext;

const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  browser = await launchBrowser();
  served = await serveTestApp();
  const r = served.repos;
  const author = await makeUser(r, 'admin', 'editor');
  r.settings.save({ thread_depth: 10 });
  postId = served.services.posts.create({
    kind: 'post', author_id: author.id, title: 'A long conversation', slug: '', body_md: 'Say what you think.\n\n```\nconst aVeryLongLineOfCodeThatMustScrollInsideItsOwnBox = [1, 2, 3, 4, 5, 6, 7, 8, 9];\n```',
    excerpt: '', tags: ['talk'], status: 'published', published_at: null, comments_open: true,
  });
  slug = r.posts.findById(postId)!.slug;
  let parent: number | null = null;
  for (let depth = 1; depth <= 12; depth++) {
    parent = seedComment(r, postId, { parent_id: parent, author_name: `Reader at depth ${depth}`, body_md: `A reply with a long word: ${'supercalifragilistic'.repeat(3)} and a link https://example.org/a/very/long/path/that/goes/on?and=on#forever` });
  }
  const removed = seedComment(r, postId, { status: 'trash' });
  seedComment(r, postId, { parent_id: removed, author_name: 'Still here' });
  seedComment(r, postId, { status: 'pending', author_name: 'Waiting Person', held_reason: 'First comment from this email address' });

  admin = await browser.newContext({ viewport: PHONE });
  const page = await admin.newPage();
  await page.goto(`${served.url}/admin/login`);
  await page.getByLabel('Username').fill('editor');
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL(`${served.url}/admin`), page.getByRole('button', { name: 'Log in' }).click()]);
  await page.close();
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
/** The mean of a computed colour's rgb channels, 0 (black) to 255 (white). */
const lightness = (page: Page, selector: string, property: 'backgroundColor' | 'color' = 'backgroundColor') =>
  page.locator(selector).first().evaluate((el, p) => {
    const [r = 0, g = 0, b = 0] = getComputedStyle(el)[p].match(/\d+(\.\d+)?/g)!.map(Number);
    return (r + g + b) / 3;
  }, property);

describe('the design in Chromium', () => {
  it('fits a ten-deep thread on a 390px phone, with room left for the words', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(`${served.url}/posts/${slug}`);
    expect(await page.locator('li.depth-10').count()).toBeGreaterThan(1);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    // Indentation shrinks on a phone: the deepest comment keeps more than half the screen.
    const deepest = await page.locator('li.depth-10 .comment-content').last().evaluate((el) => el.getBoundingClientRect().width);
    expect(deepest).toBeGreaterThan(195);
    expect(await page.locator('.comment-removed .comment-removed-note').textContent()).toContain('removed');

    // The reply form under the deepest comment fits too.
    const deepId = await page.locator('li.depth-10').last().getAttribute('id');
    await page.goto(`${served.url}/posts/${slug}?replyto=${deepId!.replace('comment-', '')}#respond`);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('shows every label of the comment form, next to its field', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(`${served.url}/posts/${slug}`);
    for (const [field, text] of [['author', 'Name'], ['email', 'Email'], ['url', 'Website'], ['comment', 'Comment']] as const) {
      const label = page.locator(`#commentform label[for="${field}"]`);
      expect(await label.isVisible(), field).toBe(true);
      expect(await label.textContent()).toContain(text);
      const [l, f] = [await label.boundingBox(), await page.locator(`#${field}`).boundingBox()];
      expect(f!.y - (l!.y + l!.height), `${field}: label just above its field`).toBeLessThan(16);
      expect(f!.y - (l!.y + l!.height)).toBeGreaterThanOrEqual(0);
    }
    await page.close();
  });

  it('fits the moderation queue and the editor on a 390px phone', async () => {
    const page = await admin.newPage();
    for (const path of ['/admin/comments', `/admin/posts/${postId}/edit`, '/admin/posts', '/admin/users']) {
      await page.goto(served.url + path);
      expect(page.url(), 'still logged in').toContain(path.split('?')[0]);
      expect(await overflow(page), path).toBeLessThanOrEqual(0);
    }
    // The hidden user-name field of the password form stays hidden.
    expect(await page.locator('input[name="username"][hidden]').isVisible()).toBe(false);
    await page.close();
  });

  it('turns the thread, the form and the desk dark with the system setting', async () => {
    const page = await admin.newPage();
    const look = async (url: string, selectors: string[]) => {
      await page.goto(served.url + url);
      const out: Record<string, number> = {};
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const s of selectors) out[`${s} ${scheme}`] = await lightness(page, s);
      }
      return out;
    };
    const post = await look(`/posts/${slug}`, ['body', '.comment-body', '#comment']);
    const desk = await look('/admin/comments', ['body', '.queue-item']);
    for (const [key, value] of Object.entries({ ...post, ...desk })) {
      if (key.endsWith('light')) expect(value, key).toBeGreaterThan(200);
      else expect(value, key).toBeLessThan(60);
    }
    // Text stays readable on it: light text in the dark.
    expect(await lightness(page, '.queue-body', 'color')).toBeGreaterThan(180);
    await page.close();
  });
});
