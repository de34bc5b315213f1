// Machine-read pages: the site feeds, the comment feeds, the sitemap and robots.txt.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { loadPublicPost } from '../posts/public-post.js';
import { buildCommentsFeed } from './comments-feed.js';
import { buildSiteFeed, type SiteFeed } from './site-feed.js';
import { buildRobots, buildSitemap, type SitemapEntry } from './sitemap.js';
import { commentsFeedTitle } from '../wording.js';

const FEED_SIZE = 20;
const COMMENTS_FEED_SIZE = 50;
// Readers poll; five minutes late for a new post is fine and spares the database.
const CACHE_CONTROL = 'public, max-age=300';

export function feedsRoutes(ctx: AppContext): Router {
  const { repos, config } = ctx;
  const router = Router();

  function siteFeed(res: Response): SiteFeed {
    const posts = repos.posts.listPublic({ kind: 'all' }, FEED_SIZE, 0);
    const tags = repos.tags.forPosts(posts.map((p) => p.id));
    const { title, tagline } = res.locals.site;
    return buildSiteFeed({ title, tagline, baseUrl: config.baseUrl, posts: posts.map((p) => ({ ...p, tags: tags.get(p.id) ?? [] })) });
  }

  // res.send adds an ETag from the body and answers 304 when If-None-Match (or,
  // without it, If-Modified-Since) says the reader already has this version.
  function sendXml(res: Response, type: string, body: string, lastModified?: Date) {
    res.set('Cache-Control', CACHE_CONTROL).type(type);
    if (lastModified && lastModified.getTime() > 0) res.set('Last-Modified', lastModified.toUTCString());
    res.send(body);
  }

  function showRss(_req: Request, res: Response) {
    const feed = siteFeed(res);
    sendXml(res, 'application/rss+xml; charset=utf-8', feed.rss, feed.updated);
  }

  function showAtom(_req: Request, res: Response) {
    const feed = siteFeed(res);
    sendXml(res, 'application/atom+xml; charset=utf-8', feed.atom, feed.updated);
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
    sendXml(res, 'application/xml; charset=utf-8', buildSitemap(config.baseUrl, entries));
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

  router.get('/feed', showRss);
  router.get('/feed/atom', showAtom);
  router.get('/posts/:slug/feed', showPostComments);
  router.get('/comments/feed', showComments);
  router.get('/sitemap.xml', showSitemap);
  router.get('/robots.txt', showRobots);
  return router;
}
