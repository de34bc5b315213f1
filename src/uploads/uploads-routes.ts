// Public: serving uploaded images, for good (their names never change), and only
// as the type their bytes were found to be.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { uploadPath } from './uploads-store.js';

export function uploadsRoutes(ctx: AppContext): Router {
  const { repos, config } = ctx;
  const router = Router();

  function show(req: Request<{ name: string }>, res: Response, next: (err?: unknown) => void) {
    const file = uploadPath(config.dataDir, req.params.name);
    const upload = file ? repos.uploads.findByFilename(req.params.name) : undefined;
    if (!file || !upload) throw notFound();
    res.sendFile(file, {
      headers: {
        'Content-Type': upload.mime,
        'Cache-Control': 'public, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': 'inline',
      },
      cacheControl: false,
      lastModified: false,
    }, (err) => {
      if (err) next((err as { code?: string }).code === 'ENOENT' ? notFound() : err);
    });
  }

  router.get('/uploads/:name', show);
  return router;
}
