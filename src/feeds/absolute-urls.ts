// Stored post HTML links to the site's own files by path ("/uploads/a.png"); a feed
// reader or another blog engine has no site to resolve them against.

/** `href="/…"` and `src="/…"` made absolute under `baseUrl` (sanitised HTML always double-quotes). */
export function absoluteUrls(html: string, baseUrl: string): string {
  return html.replace(/(\s(?:href|src)=")\/(?!\/)/g, `$1${baseUrl}/`);
}
