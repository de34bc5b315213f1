import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { makePost, makeUser } from '../helpers/index.js';

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

it('a reader opens a post from the home page', async () => {
  const author = await makeUser(served.repos);
  makePost(served, author, { title: 'Reading in a browser', body_md: 'Hello from **Chromium**.' });
  const page = await browser.newPage();
  await page.goto(served.url + '/');
  await page.click('text=Reading in a browser');
  await expect.poll(() => page.locator('h1.post-title').textContent()).toBe('Reading in a browser');
  expect(await page.locator('.post-content strong').textContent()).toBe('Chromium');
});
