// Machine-read pages: the site feeds, the comment feeds, the sitemap and robots.txt
// (mounted, with their cache headers, in src/routes.ts).
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { loadPublicPost } from '../posts/public-post.js';
import { buildCommentsFeed } from './comments-feed.js';
import { buildJsonFeed } from './json-feed.js';
import { buildSiteFeed, feedUpdated, type SiteFeed, type SiteFeedInput } from './site-feed.js';
import { buildRobots, buildSitemap, type SitemapEntry } from './sitemap.js';
import { commentsFeedTitle } from '../wording.js';

const FEED_SIZE = 20;
const COMMENTS_FEED_SIZE = 50;

export function feedsRoutes(ctx: AppContext) {
  const { repos, config } = ctx;

  function siteFeedInput(res: Response): SiteFeedInput {
    const posts = repos.posts.listPublic({ kind: 'all' }, FEED_SIZE, 0);
    const tags = repos.tags.forPosts(posts.map((p) => p.id));
    const { title, tagline } = res.locals.site;
    return { title, tagline, baseUrl: config.baseUrl, posts: posts.map((p) => ({ ...p, tags: tags.get(p.id) ?? [] })) };
  }

  const siteFeed = (res: Response): SiteFeed => buildSiteFeed(siteFeedInput(res));

  // An ETag from the body (the render cache's, or res.send's) and Last-Modified answer
  // a poll that has this version already with 304.
  function sendDocument(res: Response, type: string, body: string, lastModified?: Date) {
    res.type(type);
    if (lastModified && lastModified.getTime() > 0) res.set('Last-Modified', lastModified.toUTCString());
    res.send(body);
  }

  function showRss(_req: Request, res: Response) {
    const feed = siteFeed(res);
    sendDocument(res, 'application/rss+xml; charset=utf-8', feed.rss, feed.updated);
  }

  function showAtom(_req: Request, res: Response) {
    const feed = siteFeed(res);
    sendDocument(res, 'application/atom+xml; charset=utf-8', feed.atom, feed.updated);
  }

  function showJson(_req: Request, res: Response) {
    const input = siteFeedInput(res);
    sendDocument(res, 'application/feed+json; charset=utf-8', buildJsonFeed(input), feedUpdated(input.posts));
  }

  function showSitemap(_req: Request, res: Response) {
    const locations = repos.posts.listPublicLocations();
    const changed = (p: { published_at: string | null; updated_at: string }) =>
      p.published_at && p.published_at > p.updated_at ? p.published_at : p.updated_at;
    const newestPost = locations.find((p) => p.kind === 'post');
    const entries: SitemapEntry[] = [
      { path: '/', lastmod: newestPost && changed(newestPost) },
      ...locations.map((p) => ({ path: `/posts/${p.slug}`, lastmod: changed(p) })),
      ...repos.posts.listPublicTags().map((t) => ({ path: `/tags/${t.slug}`, lastmod: t.updated_at })),
    ];
    sendDocument(res, 'application/xml; charset=utf-8', buildSitemap(config.baseUrl, entries));
  }

  function showPostComments(req: Request<{ slug: string }>, res: Response) {
    const post = loadPublicPost(repos.posts, req, res, '/feed');
    if (!post) return;
    const comments = repos.comments.listApprovedForPost(post.id, COMMENTS_FEED_SIZE).map((c) => ({ ...c, post_title: post.title }));
    const link = `${config.baseUrl}/posts/${post.slug}`;
    res.type('application/rss+xml').send(buildCommentsFeed({ title: commentsFeedTitle(post.title), link, self: `${link}/feed`, baseUrl: config.baseUrl, comments }));
  }

  function showComments(_req: Request, res: Response) {
    res.type('application/rss+xml').send(buildCommentsFeed({
      title: `Comments on ${res.locals.site.title}`, link: `${config.baseUrl}/`, self: `${config.baseUrl}/comments/feed`, baseUrl: config.baseUrl,
      comments: repos.comments.listRecentApproved(COMMENTS_FEED_SIZE),
    }));
  }

  function showRobots(_req: Request, res: Response) {
    res.set('Cache-Control', 'public, max-age=86400').type('text/plain; charset=utf-8').send(buildRobots(config.baseUrl));
  }

  return { rss: showRss, atom: showAtom, json: showJson, postComments: showPostComments, comments: showComments, sitemap: showSitemap, robots: showRobots };
}
