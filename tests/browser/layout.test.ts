/// <reference lib="dom" />
// The reading pages as a person sees them: no sideways scrolling on a phone, a dark
// scheme that follows the system, and a skip link for keyboard readers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { seedBlog } from '../../bench/seed.js';

let browser: Browser;
let served: ServedApp;
let busySlug: string;

beforeAll(async () => {
  browser = await launchBrowser();
  served = await serveTestApp();
  ({ busySlug } = await seedBlog(served, { posts: 12, comments: 3 }));
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
/** Relative luminance-ish: the mean of the rgb channels, 0 to 255. */
const lightness = (rgb: string) => {
  const [r = 0, g = 0, b = 0] = rgb.match(/\d+/g)!.map(Number);
  return (r + g + b) / 3;
};

describe('reading pages in Chromium', () => {
  it('fit a 390px phone screen without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    for (const url of ['/', '/?page=2', `/posts/${busySlug}`, '/tags/notes', '/no-such-page']) {
      await page.goto(served.url + url);
      expect(await overflow(page), url).toBeLessThanOrEqual(0);
    }
    // The code block scrolls inside itself instead of widening the page.
    await page.goto(`${served.url}/posts/${busySlug}`);
    expect(await page.locator('.post-content pre').evaluate((el) => getComputedStyle(el).overflowX)).toBe('auto');
    await page.close();
  });

  it('keep the text to a readable measure on a wide screen', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${served.url}/posts/${busySlug}`);
    const width = await page.locator('.post-content').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(500);
    expect(width).toBeLessThan(720);
    await page.close();
  });

  it('follow the system colour scheme', async () => {
    const page = await browser.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(served.url + '/');
    const light = await background(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background(page);
    expect(lightness(light)).toBeGreaterThan(200);
    expect(lightness(dark)).toBeLessThan(60);
    await page.close();
  });

  it('offer a skip link as the first thing a keyboard reaches', async () => {
    const page = await browser.newPage();
    await page.goto(served.url + '/');
    const skip = page.locator('.skip-link');
    expect((await skip.boundingBox())!.y).toBeLessThan(0);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    expect((await skip.boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#main');
    await page.close();
  });
});
