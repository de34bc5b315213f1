// Following by email in a real browser with JavaScript off: the footer form, the
// confirmation message as written to mail/ (the test app has no SMTP_URL), its link's
// page and Confirm button, then a new post's email, and its one-click unsubscribe page.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
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
  await served?.ctx.mail.stop();
  await browser?.close();
  await served?.stop();
});

/** Sends what is due (to .eml files) and returns the messages written by this tick. */
async function deliver(): Promise<ParsedMail[]> {
  const dir = served.config.mailDir;
  const before = new Set(fs.existsSync(dir) ? fs.readdirSync(dir) : []);
  await served.ctx.mail.tick();
  const written = fs.readdirSync(dir).filter((f) => !before.has(f)).sort();
  return Promise.all(written.map((f) => simpleParser(fs.readFileSync(`${dir}/${f}`))));
}

/** A link from a message's text, moved to the test server (BASE_URL names another host). */
function linkIn(mail: ParsedMail, pathStart: string): string {
  const found = (mail.text ?? '').split(/\s+/).find((word) => word.includes(pathStart));
  if (!found) throw new Error(`no ${pathStart} link in:\n${mail.text}`);
  const url = new URL(found);
  return `${served.url}${url.pathname}${url.search}`;
}

it('a reader follows by email without JavaScript, confirms from the message, and hears of the next post', async () => {
  const author = await makeUser(served.repos, 'admin', 'alice');
  makePost(served, author, { title: 'First words', slug: 'first-words' });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();

  // The footer's form; a reader with no session yet is asked for one more click.
  await page.goto(`${served.url}/posts/first-words`);
  await page.locator('footer #follow-email').fill('reader@example.com');
  await page.locator('footer .follow-form').getByRole('button', { name: 'Follow' }).click();
  await page.waitForLoadState('domcontentloaded');
  if ((await page.locator('h1').textContent()) === 'One more click to follow') {
    expect(await page.locator('.subscription-page #follow-email').inputValue()).toBe('reader@example.com');
    await page.locator('.subscription-page .follow-form').getByRole('button', { name: 'Follow' }).click();
    await page.waitForLoadState('domcontentloaded');
  }
  expect(await page.locator('h1').textContent()).toBe('Check your email');
  expect(served.repos.subscriptions.forAddress('reader@example.com').map((s) => s.status)).toEqual(['pending']);

  const [confirmation, ...others] = await deliver();
  expect(others).toEqual([]);
  expect(confirmation!.to).toMatchObject({ text: 'reader@example.com' });
  expect(confirmation!.subject).toBe('[Colloquy] Please confirm your email subscription');

  // Opening the link confirms nothing (mail scanners open links); the button does.
  await page.goto(linkIn(confirmation!, '/subscriptions/confirm'));
  expect(await page.locator('h1').textContent()).toBe('Confirm your subscription');
  expect(served.repos.subscriptions.forAddress('reader@example.com')[0]!.status).toBe('pending');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForLoadState('domcontentloaded');
  expect(await page.locator('h1').textContent()).toBe('You are subscribed');
  expect(await page.locator('.subscription-message').textContent()).toContain('1 subscription confirmed');
  expect(served.repos.subscriptions.forAddress('reader@example.com')[0]!.status).toBe('confirmed');

  // The next post reaches them, with a way out that needs no log-in.
  makePost(served, author, { title: 'Second thoughts', slug: 'second-thoughts', published_at: new Date() });
  const [news, ...more] = await deliver();
  expect(more).toEqual([]);
  expect(news!.to).toMatchObject({ text: 'reader@example.com' });
  expect(news!.subject).toBe('[Colloquy] New post: Second thoughts');
  expect(news!.text).toContain('/posts/second-thoughts');
  // mailparser folds the List-* headers into one object; the lines as sent say it plainly.
  expect(news!.headerLines.map((h) => h.line)).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

  await page.goto(linkIn(news!, '/subscriptions/unsubscribe'));
  expect(await page.locator('h1').textContent()).toBe('Unsubscribe');
  await page.getByRole('button', { name: 'Unsubscribe', exact: true }).click();
  await page.waitForLoadState('domcontentloaded');
  expect(served.repos.subscriptions.forAddress('reader@example.com')).toEqual([]);
  await context.close();
});
