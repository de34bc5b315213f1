// Fingerprinted static files: each file under public/ is also served at a URL that
// carries a hash of its content (/static/css/site.3f9a0c1d2e.css), computed once at
// start-up, so browsers and proxies may keep it for a year without asking again; an
// edited file gets a new URL. Views ask for a URL with asset('/css/site.css').
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export interface Assets {
  /** The URL to link for a file under public/ ('/css/site.css'). */
  url(file: string): string;
  /** Serves the fingerprinted URLs; anything else passes on. */
  serve: RequestHandler;
}

/** `fingerprint` false (development): plain /static URLs, so an edited file shows on reload. */
export function createAssets(root: string, mount: string, fingerprint: boolean): Assets {
  const urls = new Map<string, string>();
  const files = new Map<string, string>();
  if (fingerprint) {
    for (const file of listFiles(root)) {
      const relative = `/${path.relative(root, file).split(path.sep).join('/')}`;
      const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10);
      const ext = path.posix.extname(relative);
      const url = `${mount}${relative.slice(0, relative.length - ext.length)}.${hash}${ext}`;
      urls.set(relative, url);
      files.set(url, file);
    }
  }
  return {
    url: (file) => urls.get(file) ?? `${mount}${file}`,
    serve(req, res, next) {
      const file = req.method === 'GET' || req.method === 'HEAD' ? files.get(req.path) : undefined;
      if (!file) return next();
      res.sendFile(file, { maxAge: YEAR_MS, immutable: true }, (err) => {
        if (err && !res.headersSent) next(err);
      });
    },
  };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return entry.isFile() && !entry.name.startsWith('.') ? [full] : [];
  });
}
