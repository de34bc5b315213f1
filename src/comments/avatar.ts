// Avatars drawn here, with no request to any outside service: a symmetric 5×5
// identicon from a keyed hash of the commenter's email, served as a small SVG that
// browsers cache (the same commenter costs one download, not bytes on every page).

/** Avatar addresses carry 24 hex digits of the keyed hash: enough to tell people apart, nothing to reverse. */
export const AVATAR_FILE = /^([0-9a-f]{24})\.svg$/;

export const avatarPath = (digest: string): string => `/comments/avatars/${digest.slice(0, 24)}.svg`;

/**
 * The one avatar of every comment not yet approved: a held comment's identicon would let
 * whoever wrote it under a guessed email compare it with that person's published ones.
 */
export const NEUTRAL_AVATAR = '/static/avatar-neutral.svg';

/** The SVG identicon for a hex digest (at least 10 hex digits). */
export function identicon(digest: string): string {
  const hue = parseInt(digest.slice(0, 3), 16) % 360;
  const bits = parseInt(digest.slice(3, 10), 16);
  const cells: string[] = [];
  for (let i = 0; i < 15; i++) {
    if (((bits >> i) & 1) === 0) continue;
    const col = Math.floor(i / 5);
    const row = i % 5;
    cells.push(`M${col + 1} ${row + 1}h1v1h-1z`);
    if (col < 2) cells.push(`M${5 - col} ${row + 1}h1v1h-1z`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" shape-rendering="crispEdges">`
    + `<rect width="7" height="7" fill="hsl(${hue} 45% 92%)"/>`
    + `<path fill="hsl(${hue} 55% 42%)" d="${cells.join('')}"/></svg>`;
}
