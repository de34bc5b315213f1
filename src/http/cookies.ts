// Our cookies: the one set of options every cookie of the site carries (the contract's
// HttpOnly, SameSite=Lax, and Secure under https), and reading one back from the
// request header (Express sets cookies but does not parse them).
import type { CookieOptions, Request } from 'express';

/** Options for every cookie the site sets or clears; add maxAge where it should outlive the browser. */
export function cookieOptions(secure: boolean): CookieOptions & { httpOnly: true; sameSite: 'lax'; path: '/' } {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/' };
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
