/// <reference lib="dom" />
// Accessibility measured: axe-core on every page type in light and dark at a phone's and a
// desktop's width, the Nu HTML Checker over each page's HTML (one JVM for all of them),
// the thread used by keyboard alone with a visible focus ring, and the thread's structure
// as a screen reader reads it. One browser and one server for the whole file.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Response } from 'playwright-core';
import { launchBrowser, serveTestApp, type ServedApp } from '../helpers/browser.js';
import { makeUser, PASSWORD, seedComment } from '../helpers/index.js';
import { confirmToken, unsubscribeToken } from '../../src/subscriptions/mail-tokens.js';
import { saveUpload } from '../../src/uploads/uploads-store.js';
import { emailLinkToken } from '../../src/commenters/email-link.js';
import { renderCommentMarkdown } from '../../src/markdown.js';

const root = path.resolve(import.meta.dirname, '../..');
const AXE = fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const VNU = path.join(root, 'node_modules/vnu-jar/build/dist/vnu.jar');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const WIDTHS = [390, 1280] as const;
const SCHEMES = ['light', 'dark'] as const;

/** What the seed made, for the page table to build addresses from. */
interface Seeded {
  slug: string;
  postId: number;
  year: string;
  month: string;
  commentId: number;
  deepestId: number;
  confirm: string;
  unsubscribe: string;
  draftSlug: string;
  editorId: number;
  /** A comment the signed-in commenter wrote a moment ago, so still theirs to edit. */
  ownCommentId: number;
  signInLink: string;
}

/** A path to open, or the steps that reach a page only a form leads to (answering with its response). */
type Reach = string | ((page: Page, s: Seeded) => Promise<Response | null>);
/** Who looks: an anonymous reader, a commenter signed in by email, or a logged-in administrator. */
type Who = 'reader' | 'commenter' | 'admin';

/** Fills `fields` of the form `selector` on the current page (past the browser's own checks), sends it and answers with the page it leads to. */
async function submit(page: Page, selector: string, fields: Record<string, string> = {}, submitter?: string): Promise<Response | null> {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.locator(selector).evaluate((form: HTMLFormElement, [values, by]) => {
      for (const [name, value] of Object.entries(values)) (form.elements.namedItem(name) as HTMLInputElement).value = value;
      form.noValidate = true;
      form.requestSubmit(by ? form.querySelector<HTMLButtonElement>(by) : undefined);
    }, [fields, submitter] as const),
  ]);
  return response;
}

/**
 * Every page type: name → who looks and how to reach it. A new page is one line here;
 * the axe test runs on each, and the HTML checker reads what each one served.
 */
const PAGES: { name: string; as: Who; reach: (s: Seeded) => Reach }[] = [
  { name: 'home', as: 'reader', reach: () => '/' },
  { name: 'post with a deep thread', as: 'reader', reach: (s) => `/posts/${s.slug}` },
  { name: 'post with ?replyto=', as: 'reader', reach: (s) => `/posts/${s.slug}?replyto=${s.deepestId}#respond` },
  { name: 'post seen by its author', as: 'admin', reach: (s) => `/posts/${s.slug}` },
  { name: 'comment form with errors', as: 'reader', reach: (s) => async (page) => {
    await page.goto(`/posts/${s.slug}`);
    return submit(page, '#commentform', { email: 'not an address' });
  } },
  // A stale token is answered with the reader's own form and one more button to press.
  { name: 'comment sent again', as: 'reader', reach: (s) => async (page) => {
    await page.goto(`/posts/${s.slug}`);
    return submit(page, '#commentform', { author: 'Nora', email: 'nora@example.com', comment: 'Hello', _csrf: 'stale' });
  } },
  { name: 'like sent again', as: 'reader', reach: (s) => async (page) => {
    await page.goto(`/posts/${s.slug}`);
    return submit(page, '.like-form', { _csrf: 'stale' });
  } },
  { name: 'report sent again', as: 'reader', reach: (s) => async (page) => {
    await page.goto(`/posts/${s.slug}`);
    return submit(page, `#div-comment-${s.commentId} > .comment-report form`, { reason: 'Unkind', _csrf: 'stale' });
  } },
  { name: 'tag listing', as: 'reader', reach: () => '/tags/talk' },
  { name: 'archive', as: 'reader', reach: (s) => `/archive/${s.year}/${s.month}` },
  { name: 'search with results', as: 'reader', reach: () => '/search?q=conversation' },
  { name: 'search without results', as: 'reader', reach: () => '/search?q=zebra' },
  { name: 'search form', as: 'reader', reach: () => '/search' },
  { name: '404', as: 'reader', reach: () => '/no-such-page' },
  { name: 'privacy', as: 'reader', reach: () => '/privacy' },
  { name: 'follow: check your email', as: 'reader', reach: (s) => async (page) => {
    await page.goto(`/posts/${s.slug}`);
    return submit(page, 'footer .follow-form', { email: 'reader@example.com' });
  } },
  { name: 'follow: address refused', as: 'reader', reach: () => async (page) => {
    await page.goto('/');
    return submit(page, 'footer .follow-form', { email: 'nope' });
  } },
  { name: 'subscription confirm', as: 'reader', reach: (s) => `/subscriptions/confirm?token=${s.confirm}` },
  { name: 'subscription link expired', as: 'reader', reach: () => '/subscriptions/confirm?token=x' },
  { name: 'unsubscribe', as: 'reader', reach: (s) => `/subscriptions/unsubscribe?token=${s.unsubscribe}` },
  { name: 'admin log-in', as: 'reader', reach: () => '/admin/login' },
  { name: 'admin dashboard', as: 'admin', reach: () => '/admin' },
  { name: 'admin posts', as: 'admin', reach: () => '/admin/posts' },
  { name: 'admin editor (new)', as: 'admin', reach: () => '/admin/posts/new' },
  { name: 'admin editor (existing)', as: 'admin', reach: (s) => `/admin/posts/${s.postId}/edit` },
  { name: 'admin post delete confirmation', as: 'admin', reach: (s) => `/admin/posts/${s.postId}/delete` },
  { name: 'admin comments queue', as: 'admin', reach: () => '/admin/comments' },
  { name: 'admin comments approved', as: 'admin', reach: () => '/admin/comments?status=approved' },
  { name: 'admin comment edit', as: 'admin', reach: (s) => `/admin/comments/${s.commentId}/edit` },
  { name: 'admin erase commenter', as: 'admin', reach: () => '/admin/comments/erase' },
  { name: 'admin erase commenter: confirm', as: 'admin', reach: () => async (page) => {
    await page.goto('/admin/comments/erase');
    return submit(page, 'main form:not([action="/admin/logout"])', { email: 'p1@example.com' });
  } },
  { name: 'admin users', as: 'admin', reach: () => '/admin/users' },
  { name: 'admin settings', as: 'admin', reach: () => '/admin/settings' },
  { name: 'admin audit', as: 'admin', reach: () => '/admin/audit' },
  { name: 'admin uploads', as: 'admin', reach: () => '/admin/uploads' },
  { name: 'admin outbox', as: 'admin', reach: () => '/admin/outbox' },
  { name: 'admin subscribers', as: 'admin', reach: () => '/admin/subscribers' },
  { name: 'admin comments reported', as: 'admin', reach: () => '/admin/comments?status=reported' },
  { name: 'admin posts trash', as: 'admin', reach: () => '/admin/posts?status=trash' },
  { name: 'draft preview', as: 'admin', reach: (s) => `/posts/${s.draftSlug}` },
  { name: 'admin account', as: 'admin', reach: () => '/admin/account' },
  { name: 'admin user profile', as: 'admin', reach: (s) => `/admin/users/${s.editorId}/edit` },
  { name: 'admin sign-in providers', as: 'admin', reach: () => '/admin/settings/sign-in' },
  { name: 'sign-in: check your email', as: 'reader', reach: (s) => async (page) => {
    await page.goto(`/posts/${s.slug}`);
    return submit(page, '#commentform', { email: 'someone@example.com', author: 'Someone', comment: '' }, 'button[formaction="/auth/email"]');
  } },
  { name: 'sign-in: the email link', as: 'reader', reach: (s) => `/auth/email/verify?token=${s.signInLink}` },
  { name: 'sign-in: provider not answering', as: 'reader', reach: (s) => `/auth/lighthouse?return=/posts/${s.slug}` },
  { name: 'post, signed-in commenter', as: 'commenter', reach: (s) => `/posts/${s.slug}` },
  { name: 'your comments', as: 'commenter', reach: () => '/auth/me' },
  { name: 'your comments: erase', as: 'commenter', reach: () => '/auth/me/erase' },
  { name: 'own comment: edit', as: 'commenter', reach: (s) => `/comments/${s.ownCommentId}/edit` },
  { name: 'own comment: delete', as: 'commenter', reach: (s) => `/comments/${s.ownCommentId}/delete` },
];

let browser: Browser;
let served: ServedApp;
let seeded: Seeded;
/** One tab for each kind of visitor, reused from page type to page type. */
const tabs = {} as Record<Who, Page>;
/** Each page type's HTML as served, for the checker. */
const servedHtml = new Map<string, string>();

beforeAll(async () => {
  browser = await launchBrowser();
  served = await serveTestApp();
  const r = served.repos;
  r.settings.save({ comment_min_seconds: 0 });
  const editor = await makeUser(r, 'admin', 'editor');
  await makeUser(r, 'author', 'writer');
  served.services.posts.create({
    kind: 'page', author_id: editor.id, title: 'About', slug: 'about', body_md: 'Who writes here.', excerpt: '', tags: [], status: 'published', published_at: null, comments_open: false,
  });
  const postId = served.services.posts.create({
    kind: 'post', author_id: editor.id, title: 'A long conversation', slug: '', tags: ['Talk', 'Notes'], status: 'published', published_at: null, comments_open: true,
    body_md: 'Say what you think.\n\n> A quotation.\n\n```\nconst code = [1, 2, 3];\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |', excerpt: '',
  });
  const draftId = served.services.posts.create({
    kind: 'post', author_id: editor.id, title: 'A draft', slug: '', body_md: 'Not yet.', excerpt: '', tags: [], status: 'draft', published_at: null, comments_open: true,
  });
  const gone = served.services.posts.create({
    kind: 'post', author_id: editor.id, title: 'Thrown away', slug: '', body_md: 'Gone.', excerpt: '', tags: [], status: 'published', published_at: null, comments_open: true,
  });
  served.services.posts.trash(r.posts.findById(gone)!, editor.id);
  // A provider whose issuer refuses connections: its sign-in answers "not answering".
  served.services.signIn.saveProvider({ id: 'lighthouse', name: 'Lighthouse', issuer: 'http://127.0.0.1:9', clientId: 'blog', clientSecret: 'secret-0123456789', icon: '' }, editor.id);
  const post = r.posts.findById(postId)!;
  const commentId = seedComment(r, postId, { author_name: 'Ada', author_url: 'https://example.org/ada', body_md: 'The **first** word, with `code`.' });
  let parent: number | null = commentId;
  for (let depth = 2; depth <= 7; depth++) parent = seedComment(r, postId, { parent_id: parent, author_name: `Reader at depth ${depth}`, body_md: `A reply at depth ${depth}.` });
  const deepestId = parent!;
  seedComment(r, postId, { user_id: editor.id, author_name: 'Editor', body_md: 'The author answers.' });
  const removed = seedComment(r, postId, { status: 'trash' });
  seedComment(r, postId, { parent_id: removed, author_name: 'Still here' });
  seedComment(r, postId, { status: 'pending', author_name: 'Waiting Person', held_reason: 'First comment from this email address' });
  for (const [i, reason] of ['Unkind', 'Off topic'].entries()) served.services.comments.reportComment(commentId, `reader-${i}`, `203.0.113.${i + 1}`, reason, 3);
  const cora = served.services.commenters.signIn({ provider: 'email', subject: 'cora@example.com', name: 'Cora', email: 'cora@example.com', pictureUrl: null });
  const ownCommentId = r.comments.insert({
    post_id: postId, parent_id: null, user_id: null, author_name: 'Cora', author_email: 'cora@example.com', author_url: '', commenter_id: cora.id,
    body_md: 'Written just now.', body_html: renderCommentMarkdown('Written just now.'), status: 'approved', held_reason: '', ip_hash: '', user_agent: '',
  }, new Date().toISOString());
  served.services.subscriptions.request({ email: 'follower@example.com', blog: true });
  const subscription = r.subscriptions.forAddress('follower@example.com')[0]!;
  await saveUpload(served.config.dataDir, r.uploads, { buffer: PNG, originalname: 'A small dot.png' }, editor.id);
  const published = new Date(post.published_at!);
  seeded = {
    slug: post.slug, postId, commentId, deepestId,
    year: String(published.getUTCFullYear()), month: String(published.getUTCMonth() + 1).padStart(2, '0'),
    confirm: confirmToken(served.ctx.keys, { email: 'follower@example.com', askedAt: Date.now() }),
    unsubscribe: unsubscribeToken(served.ctx.keys, { subscriptionId: subscription.id, email: 'follower@example.com' }),
    draftSlug: r.posts.findById(draftId)!.slug, editorId: editor.id, ownCommentId,
    signInLink: emailLinkToken(served.ctx.keys, { email: 'cora@example.com', askedAt: Date.now(), name: 'Cora', returnTo: `/posts/${post.slug}` }),
  };

  for (const who of ['reader', 'commenter', 'admin'] as const) tabs[who] = await (await browser.newContext({ baseURL: served.url })).newPage();
  // The commenter signs in by the email link's button, in a link of their own (the page table's one stays unused).
  const ownLink = emailLinkToken(served.ctx.keys, { email: 'cora@example.com', askedAt: Date.now(), name: 'Cora', returnTo: `/posts/${post.slug}` });
  await tabs.commenter.goto(`/auth/email/verify?token=${ownLink}`);
  await Promise.all([tabs.commenter.waitForURL(/\/posts\//), tabs.commenter.getByRole('button', { name: 'Sign in' }).click()]);
  const page = tabs.admin;
  await page.goto('/admin/login');
  await page.getByLabel('Username').fill('editor');
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL(`${served.url}/admin`), page.getByRole('button', { name: 'Log in' }).click()]);
});
afterAll(async () => {
  await served?.ctx.mail.stop();
  await browser?.close();
  await served?.stop();
});

async function open(page: Page, reach: Reach): Promise<Response> {
  const response = typeof reach === 'string' ? await page.goto(reach) : await reach(page, seeded);
  if (!response) throw new Error('the page did not load');
  return response;
}

/**
 * Waits for the colour and ring transitions to end, to measure what they settle on; at most
 * a second, so a transition a throttled frame never runs cannot hang the test.
 */
const settle = (page: Page) => page.evaluate(() => Promise.race([
  Promise.allSettled(document.getAnimations().map((a) => a.finished)),
  new Promise((resolve) => setTimeout(resolve, 1_000)),
]));

interface AxeViolation { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] }

/** axe-core's violations on the page as it is now, one readable line per element. */
async function axeViolations(page: Page, where: string): Promise<string[]> {
  // Evaluated through the debugging protocol, so the site's Content-Security-Policy does not apply.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE);
  const violations = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe.run()
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }))));
  return violations.flatMap((v) => v.nodes.map((n) =>
    `[${where}] ${v.id} (${v.impact}): ${v.help}\n    at ${n.target.join(' ')}\n    ${n.failureSummary.replace(/\n\s*/g, ' ')}`));
}

describe('axe-core finds nothing on any page type, light and dark, 390px and 1280px', () => {
  it.each(PAGES)('$name', async ({ name, as, reach }) => {
    const page = tabs[as];
    const response = await open(page, reach(seeded));
    servedHtml.set(name, await response.text());
    if (as === 'admin') expect(page.url(), 'still logged in').not.toContain('/admin/login');
    const found: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const colorScheme of SCHEMES) {
        // Reduced motion: the site drops its transitions, so axe reads the settled colours at once.
        await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
        await settle(page);
        found.push(...await axeViolations(page, `${colorScheme} ${width}px`));
      }
    }
    expect(found, `${found.length} axe violations on ${name}:\n${found.join('\n')}`).toEqual([]);
  });
});

interface VnuMessage { type: string; url: string; lastLine?: number; message: string; extract?: string }

/** The Nu HTML Checker over several files at once (one JVM start): its errors by file. */
function vnu(files: string[]): Promise<VnuMessage[]> {
  return new Promise((resolve, reject) => {
    execFile('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, _stdout, stderr) => {
      // It exits 1 when it finds errors, and writes its report to standard error either way.
      try {
        resolve((JSON.parse(stderr) as { messages: VnuMessage[] }).messages);
      } catch {
        reject(err ?? new Error(`vnu wrote no report: ${stderr}`));
      }
    });
  });
}

describe('the Nu HTML Checker', () => {
  it('finds no error in the HTML of any page type', { timeout: 180_000 }, async () => {
    expect([...servedHtml.keys()].sort(), 'every page type was fetched').toEqual(PAGES.map((p) => p.name).sort());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-vnu-'));
    const fileOf = new Map<string, string>();
    for (const [name, html] of servedHtml) {
      const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.html`);
      fs.writeFileSync(file, html);
      fileOf.set(`file:${file}`, name);
    }
    try {
      const messages = await vnu([...fileOf.keys()].map((u) => u.slice('file:'.length)));
      const errors = messages.filter((m) => m.type === 'error').map((m) =>
        `[${fileOf.get(m.url) ?? m.url}] line ${m.lastLine ?? '?'}: ${m.message}${m.extract ? `\n    ${m.extract.replace(/\n/g, ' ').trim()}` : ''}`);
      expect(errors, `${errors.length} HTML errors:\n${errors.join('\n')}`).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the thread, read and used without a mouse', () => {
  let slug: string;
  const ids = {} as Record<'ada' | 'ben' | 'cy' | 'di', number>;

  beforeAll(async () => {
    const postId = served.services.posts.create({
      kind: 'post', author_id: served.repos.users.findByUsername('editor')!.id, title: 'Keyboard only', slug: '', body_md: 'Talk to me.',
      excerpt: '', tags: [], status: 'published', published_at: null, comments_open: true,
    });
    slug = served.repos.posts.findById(postId)!.slug;
    ids.ada = seedComment(served.repos, postId, { author_name: 'Ada', author_url: 'https://example.org/ada', body_md: 'First *words* here.' });
    ids.ben = seedComment(served.repos, postId, { parent_id: ids.ada, author_name: 'Ben', body_md: 'A reply to Ada.' });
    ids.cy = seedComment(served.repos, postId, { parent_id: ids.ben, author_name: 'Cy', body_md: 'Deeper still.' });
    ids.di = seedComment(served.repos, postId, { author_name: 'Di', body_md: 'A second thread.' });
  });

  it('is a list of comments, replies in nested lists, each announcing its author and date before its text', async () => {
    const page = tabs.reader;
    await page.goto(`/posts/${slug}`);
    const tree = parseAriaSnapshot(await page.locator('ol.comment-list').ariaSnapshot());
    expect(tree.map((n) => n.role)).toEqual(['list']);

    type Shape = { author: string; replies: Shape[] };
    const shape = (list: AxNode): Shape[] => list.children.map((item) => {
      expect(item.role, 'each comment is a list item').toBe('listitem');
      const [article, replies, ...rest] = item.children;
      expect(article?.role).toBe('article');
      expect(rest).toEqual([]);
      if (replies) expect(replies.role, 'replies are a list inside the comment').toBe('list');
      // The order a screen reader reads the comment in: author, date, then the words.
      const read = readingOrder(article!);
      const author = read.findIndex((t) => /^(Ada|Ben|Cy|Di)$/.test(t));
      const date = read.findIndex((t) => /\b2026\b/.test(t));
      const words = read.findIndex((t) => /words|reply to Ada|Deeper|second thread/i.test(t));
      expect(author, read.join(' | ')).toBeGreaterThanOrEqual(0);
      expect(date, read.join(' | ')).toBeGreaterThan(author);
      expect(words, read.join(' | ')).toBeGreaterThan(date);
      return { author: read[author]!, replies: replies ? shape(replies) : [] };
    });
    expect(shape(tree[0]!)).toEqual([
      { author: 'Ada', replies: [{ author: 'Ben', replies: [{ author: 'Cy', replies: [] }] }] },
      { author: 'Di', replies: [] },
    ]);
  });

  it('reaches and uses Reply, Cancel reply, the comment form, Like and Report by keyboard, each with a visible focus ring', async () => {
    const context = await browser.newContext({ baseURL: served.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      await page.goto(`/posts/${slug}`);

      // Reply moves the form under the comment and puts the cursor in it.
      await tabTo(page, `#div-comment-${ids.ben} a.comment-reply-link`);
      await expectFocusRing(page, `Reply (${colorScheme})`);
      await page.keyboard.press('Enter');
      expect(await page.locator(`#comment-${ids.ben} > #respond`).count()).toBe(1);
      expect(await focused(page)).toBe('textarea#comment');
      await expectFocusRing(page, `comment field (${colorScheme})`);

      // Cancel reply sends it back, aimed at the post again.
      await tabTo(page, '#cancel-comment-reply-link', 'back');
      await expectFocusRing(page, `Cancel reply (${colorScheme})`);
      await page.keyboard.press('Enter');
      expect(await page.locator('.comment-list #respond').count()).toBe(0);
      expect(await page.locator('#comment_parent').inputValue()).toBe('0');
      expect(await focused(page)).toBe('textarea#comment');
    }

    // A reply written and sent with the keyboard alone, field after field in order.
    await page.goto(`/posts/${slug}`);
    await tabTo(page, `#div-comment-${ids.ben} a.comment-reply-link`);
    await page.keyboard.press('Enter');
    await tabTo(page, 'input#author', 'back');
    for (const [field, typed] of [['input#author', 'Kay'], ['input#email', 'kay@example.com'], ['input#url', ''], ['textarea#comment', 'Typed, never clicked.'],
      ['input#remember', ''], ['input#subscribe_comments', ''], ['input#subscribe_blog', ''], ['button#submit', '']] as const) {
      expect(await focused(page), 'the next field in order').toBe(field);
      await expectFocusRing(page, field);
      if (typed) await page.keyboard.type(typed);
      if (field !== 'button#submit') await page.keyboard.press('Tab');
    }
    await Promise.all([page.waitForURL(/#comment-\d+$/), page.keyboard.press('Enter')]);
    const sent = served.repos.comments.findById(Number(/#comment-(\d+)$/.exec(page.url())![1]))!;
    expect(sent).toMatchObject({ author_name: 'Kay', parent_id: ids.ben, body_md: 'Typed, never clicked.' });

    // Like.
    await tabTo(page, '.like-button');
    await expectFocusRing(page, 'Like');
    // Sent in place: the count changes where the reader is, with no new page.
    const before = page.url();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.likes').textContent()).toMatch(/^1 /);
    expect(page.url()).toBe(before);

    // Report: open the disclosure, say why, send.
    await tabTo(page, `#div-comment-${ids.di} .comment-report summary`);
    await expectFocusRing(page, 'Report');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe(`input#report-reason-${ids.di}`);
    await expectFocusRing(page, 'report reason');
    await page.keyboard.type('Off topic');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button');
    await expectFocusRing(page, 'Send report');
    // Sent in place too: the thanks takes the form's place and the focus.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.matches('.comment-report-done') ?? false)).toBe(true);
    expect(page.url()).toBe(before);
    expect(served.repos.reports.summaryFor([ids.di]).get(ids.di)).toMatchObject({ count: 1, reasons: [{ text: 'Off topic' }] });
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** A node of Playwright's aria snapshot: role, accessible name (or text), children. */
interface AxNode { role: string; name: string; children: AxNode[] }

/** Playwright's aria snapshot (YAML of `- role "name":` lines) as a tree. */
function parseAriaSnapshot(yaml: string): AxNode[] {
  const root: AxNode = { role: '', name: '', children: [] };
  const stack: { indent: number; node: AxNode }[] = [{ indent: -1, node: root }];
  for (const line of yaml.split('\n')) {
    const m = /^( *)- ([a-z/]+)(?: "([^"]*)")?(?::(?: (.*))?)?$/.exec(line);
    if (!m || m[2]!.startsWith('/')) continue;
    const node: AxNode = { role: m[2]!, name: m[3] ?? (m[4] ?? '').replace(/^"|"$/g, ''), children: [] };
    while (stack.at(-1)!.indent >= m[1]!.length) stack.pop();
    stack.at(-1)!.node.children.push(node);
    stack.push({ indent: m[1]!.length, node });
  }
  return root.children;
}

/** The names and texts of a subtree in the order a screen reader meets them. */
function readingOrder(node: AxNode): string[] {
  return [...(node.name ? [node.name] : []), ...node.children.flatMap(readingOrder)];
}

/** The focused element as `tag#id` (or the tag alone). */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement!;
  return el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '');
});

/** Presses Tab (or Shift+Tab) until `selector` has the focus, as a keyboard user would. */
async function tabTo(page: Page, selector: string, direction: 'forward' | 'back' = 'forward') {
  for (let presses = 0; presses < 300; presses++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(direction === 'back' ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector} never received the focus from the keyboard`);
}

/** WCAG's contrast ratio of two sRGB colours given as [r, g, b] from 0 to 255. */
function contrast(a: number[], b: number[]): number {
  const luminance = (c: number[]) => {
    const [r, g, bl] = c.map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/**
 * The focused element shows a ring: an outline, or else a box-shadow, at least 2px wide and
 * at 3:1 or more against what is behind it (WCAG's non-text contrast).
 */
async function expectFocusRing(page: Page, what: string) {
  await settle(page);
  const ring = await page.evaluate(() => {
    const el = document.activeElement!;
    const style = getComputedStyle(el);
    // rgb(r g b / a) from 0 to 255, or color(srgb r g b / a) from 0 to 1 (what color-mix() computes to).
    const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number).map((v, i) => (css.startsWith('color(') && i < 3 ? v * 255 : v));
    let bg: number[] = [255, 255, 255];
    // The ring is drawn outside the element, over its parents' background.
    for (let p = el.parentElement; p; p = p.parentElement) {
      const c = rgba(getComputedStyle(p).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3]! > 0)) { bg = c.slice(0, 3); break; }
    }
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
      return { kind: 'outline', color: rgba(style.outlineColor), width: parseFloat(style.outlineWidth), bg };
    }
    // The first shadow, "rgb(…) 0px 0px 0px 1px" (colour, x, y, blur, spread), with the border
    // when it is of the same colour: together they make the solid edge.
    const first = /^((?:rgba?|color)\([^)]*\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+([\d.]+)px\s+([\d.]+)px/.exec(style.boxShadow);
    const border = style.borderTopColor === first?.[1] ? parseFloat(style.borderTopWidth) : 0;
    if (first) return { kind: 'box-shadow', color: rgba(first[1]!), width: Number(first[5]) + border, bg };
    return { kind: 'none', color: [], width: 0, bg };
  });
  expect(ring.kind, `${what} shows a focus ring`).not.toBe('none');
  expect(ring.width, `${what}: ring width`).toBeGreaterThanOrEqual(2);
  const [r = 0, g = 0, b = 0, alpha = 1] = ring.color;
  const shown = [r, g, b].map((v, i) => v * alpha + ring.bg[i]! * (1 - alpha));
  expect(contrast(shown, ring.bg), `${what}: ring contrast against the background`).toBeGreaterThanOrEqual(3);
}
