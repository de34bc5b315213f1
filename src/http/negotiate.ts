// What form of answer a request asks for: the page script's fetches say Accept:
// application/json; a browser's own form submission asks for HTML and gets a page.
import type { Request } from 'express';

export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}
