import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { seedComment, makePost, makeUser } from '../helpers/index.js';

let browser: Browser;
let served: ServedApp;

beforeAll(async () => {
  browser = await launchBrowser();
  // Each reader's address comes from X-Forwarded-For: hiding needs distinct addresses.
  served = await serveTestApp({ TRUST_PROXY: 'loopback' });
  served.repos.settings.save({ report_hide_threshold: 2 });
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

it('readers with no session yet report a comment from the page; the second report hides it', async () => {
  const postId = makePost(served, await makeUser(served.repos), { title: 'Reported' });
  const id = seedComment(served.repos, postId, { body_md: 'Something unkind' });
  const errors: string[] = [];
  for (const [n, javaScriptEnabled] of [[1, true], [2, false]] as const) {
    const context = await browser.newContext({ javaScriptEnabled, extraHTTPHeaders: { 'X-Forwarded-For': `203.0.113.${n}` } });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${served.url}/posts/reported`);
    const control = page.locator(`#comment-${id} .comment-report`);
    await control.locator('summary').click();
    await control.getByLabel(/Why\?/).fill(`reader ${n}`);
    await control.getByRole('button', { name: 'Send report' }).click();
    if (javaScriptEnabled) {
      // Sent in place: the thanks replaces the form, and the page stays.
      await expect.poll(() => control.locator('.comment-report-done').textContent()).toContain('Thank you for your report.');
      expect(page.url()).toBe(`${served.url}/posts/reported`);
    } else {
      // No script to fetch a token first: one more click on the form given back, which names the comment.
      expect(await page.locator('h1').textContent()).toMatch(/^One more click to report Person \d+’s comment$/);
      expect(await page.getByLabel(/Why\?/).inputValue()).toBe(`reader ${n}`);
      await page.getByRole('button', { name: 'Send report' }).click();
      await page.waitForURL(/\?reported=\d+#comments$/);
      expect(await page.locator('.comment-notice').textContent()).toContain('Thank you for your report.');
    }
    await context.close();
  }
  expect(served.repos.comments.findById(id)).toMatchObject({ status: 'pending', held_reason: 'Reported by 2 readers; hidden until reviewed' });
  expect(served.repos.reports.summaryFor([id]).get(id)).toEqual({
    count: 2, open: 2, addresses: 2, reasons: [{ text: 'reader 1', reviewed: false }, { text: 'reader 2', reviewed: false }],
  });
  expect(errors).toEqual([]);
});
