// The comment feeds (one post's, and the whole blog's) as RSS 2.0, through the same
// feed package and XML safeguards as the site feed: commenters choose their names,
// so nothing they type may end a CDATA section or lose an ampersand.
import { Feed } from 'feed';
import type { Comment } from '../comments/comments-repository.js';
import { absoluteUrls } from './absolute-urls.js';
import { moduleElement } from './rss-modules.js';
import { htmlNode, textNode } from './xml.js';

export interface FeedComment extends Comment {
  post_title: string;
}

export interface CommentsFeedInput {
  title: string;
  /** The page the feed is about (the post, or the blog's home), absolute. */
  link: string;
  /** This feed's own absolute URL. */
  self: string;
  /** Public origin without a trailing slash. */
  baseUrl: string;
  /** Newest first; approved comments on public posts only. */
  comments: readonly FeedComment[];
}

export function buildCommentsFeed({ title, link, self, baseUrl, comments }: CommentsFeedInput): string {
  const feed = new Feed({
    title: textNode(title),
    id: link,
    link,
    description: textNode(title),
    feedLinks: { rss: self },
    generator: 'Colloquy',
    updated: comments[0] ? new Date(comments[0].created_at) : new Date(0),
  });
  for (const c of comments) {
    // The comment's own address, which redirects to the page of the thread holding it,
    // so the link survives the thread being split into pages.
    const url = `${baseUrl}/comments/${c.id}`;
    feed.addItem({
      title: '',
      id: url,
      link: url,
      date: new Date(c.created_at),
      description: htmlNode(absoluteUrls(c.body_html, baseUrl)),
      // RSS <title> as escaped text rather than the package's CDATA, which a name holding "]]>" twice would break.
      extensions: [
        { name: 'title', objects: { _text: textNode(`Comment on “${c.post_title}” by ${c.author_name}`) } },
        // The commenter's name, where feed readers look for an item's author (never the email RSS's <author> wants).
        moduleElement('dc', 'creator', c.author_name),
      ],
    });
  }
  return feed.rss2();
}
