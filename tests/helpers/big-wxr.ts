// Writes a large, realistic WordPress export to a file piece by piece, never holding it
// whole: for the import's memory test and the benchmark.
import fs from 'node:fs';
import { once } from 'node:events';

export interface BigWxr {
  bytes: number;
  /** Published posts, each with its comments. */
  posts: number;
  comments: number;
  /** Trashed posts, which an import reads through and skips. */
  trashed: number;
}

const PARAGRAPH = '<p>Year 4 went to the museum — café lunch, naïve questions, “rockets” &amp; steam engines. '
  + 'Everyone asked about the Apollo capsule; the guide answered each one patiently, and nobody got lost on the way back.</p>\n';

/**
 * About `targetBytes` of WXR: `published` posts of `paragraphs` paragraphs each, every one
 * with `commentsPerPost` comments in a thread (each reply answers the comment before it),
 * then trashed posts like them up to the size. Writing posts costs an import far more
 * time (rendering, indexing) than reading them, so the trashed ones make the bulk.
 */
export async function writeBigWxr(file: string, targetBytes: number, { published = 300, paragraphs = 12, commentsPerPost = 4 } = {}): Promise<BigWxr> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>A big school blog</title>
  <link>https://big.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://big.example</wp:base_site_url>
  <wp:base_blog_url>https://big.example</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[head]]></wp:author_login><wp:author_email>head@big.example</wp:author_email><wp:author_display_name><![CDATA[Head]]></wp:author_display_name></wp:author>
`);
  let posts = 0;
  let comments = 0;
  let trashed = 0;
  const body = PARAGRAPH.repeat(paragraphs);
  while (bytes < targetBytes) {
    const isPublished = posts < published;
    const id = isPublished ? ++posts : published + ++trashed;
    const day = new Date(Date.UTC(2015, 0, 1) + id * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    let thread = '';
    for (let c = 1; isPublished && c <= commentsPerPost; c++) {
      const commentId = ++comments;
      thread += `<wp:comment><wp:comment_id>${commentId}</wp:comment_id><wp:comment_author><![CDATA[Parent ${commentId % 97}]]></wp:comment_author>
<wp:comment_author_email>parent${commentId % 97}@example.net</wp:comment_author_email><wp:comment_date_gmt>${day}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Thank you for post ${id}! <em>Lovely</em> — we talked about it all weekend.]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>${c === 1 ? 0 : commentId - 1}</wp:comment_parent></wp:comment>
`;
    }
    await write(`<item><title><![CDATA[News item ${id}]]></title><link>https://big.example/?p=${id}</link><dc:creator><![CDATA[head]]></dc:creator>
<guid isPermaLink="false">https://big.example/?p=${id}</guid><content:encoded><![CDATA[${body}]]></content:encoded>
<wp:post_id>${id}</wp:post_id><wp:post_date_gmt>${day}</wp:post_date_gmt><wp:post_name>news-${id}</wp:post_name><wp:status>${isPublished ? 'publish' : 'trash'}</wp:status>
<wp:post_type>post</wp:post_type><category domain="post_tag" nicename="news"><![CDATA[News]]></category>
${thread}</item>
`);
  }
  await write('</channel>\n</rss>\n');
  out.end();
  await once(out, 'finish');
  return { bytes, posts, comments, trashed };
}
