// The site's newest posts as JSON Feed 1.1 (https://jsonfeed.org/version/1.1), the same
// items as the RSS and Atom feeds. Written here: the `feed` package writes version 1.0,
// and 1.1 is a few fields. Pure: plain posts in, JSON text out.
import { bylineName, firstImage, postTimes } from '../posts/post-facts.js';
import { absoluteUrls } from './absolute-urls.js';
import { postId, type SiteFeedInput } from './site-feed.js';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

export function buildJsonFeed({ title, tagline, baseUrl, posts }: SiteFeedInput): string {
  const feed = {
    version: JSON_FEED_VERSION,
    title,
    home_page_url: `${baseUrl}/`,
    feed_url: `${baseUrl}/feed/json`,
    ...(tagline ? { description: tagline } : {}),
    language: 'en',
    items: posts.map((post) => {
      const url = `${baseUrl}/posts/${post.slug}`;
      const { published, modified } = postTimes(post);
      const image = firstImage(post.body_html, baseUrl);
      return {
        id: postId(baseUrl, post),
        url,
        title: post.title,
        content_html: absoluteUrls(post.body_html, baseUrl),
        ...(post.summary ? { summary: post.summary } : {}),
        ...(image ? { image: image.src } : {}),
        date_published: new Date(published).toISOString(),
        date_modified: new Date(modified).toISOString(),
        authors: [{ name: bylineName(post) }],
        ...(post.tags.length ? { tags: post.tags.map((t) => t.name) } : {}),
      };
    }),
  };
  return JSON.stringify(feed);
}
