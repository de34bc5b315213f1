// sitemap.xml and robots.txt: what search engines may read, and where it all is.
import { escapeXml } from './xml.js';

export interface SitemapEntry {
  /** A path on the site, starting with "/". */
  path: string;
  /** ISO-8601 time of the last change, if known. */
  lastmod?: string | undefined;
}

/** A sitemaps.org urlset with absolute locations under `baseUrl`. */
export function buildSitemap(baseUrl: string, entries: readonly SitemapEntry[]): string {
  const urls = entries.map(({ path, lastmod }) =>
    `  <url><loc>${escapeXml(baseUrl + path)}</loc>${lastmod ? `<lastmod>${escapeXml(lastmod)}</lastmod>` : ''}</url>\n`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('')}</urlset>\n`;
}

/** Everything may be crawled except the author's desk; the sitemap is named absolutely. */
export function buildRobots(baseUrl: string): string {
  return `User-agent: *\nDisallow: /admin\n\nSitemap: ${baseUrl}/sitemap.xml\n`;
}
