// Screenshots of the reading pages at phone and desktop widths, light and dark, into
// /tmp/colloquy-shots (never committed). Run: npx tsx bench/screenshots.ts
import fs from 'node:fs';
import { launchBrowser, serveTestApp } from '../tests/helpers/browser.js';
import { seedBlog } from './seed.js';

const OUT = process.env.SHOTS_DIR ?? '/tmp/colloquy-shots';
const served = await serveTestApp();
const browser = await launchBrowser();
try {
  const { busySlug } = await seedBlog(served, { posts: 14, comments: 6 });
  fs.mkdirSync(OUT, { recursive: true });
  const pages = { home: '/', post: `/posts/${busySlug}`, tag: '/tags/notes', missing: '/nope' };
  for (const width of [390, 1280]) {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width, height: width < 500 ? 844 : 900 } });
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, url] of Object.entries(pages)) {
        await page.goto(served.url + url);
        const file = `${OUT}/${name}-${width}-${scheme}.png`;
        await page.screenshot({ path: file, fullPage: process.env.FULL === '1' });
        process.stdout.write(`${file}\n`);
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  await served.stop();
}
