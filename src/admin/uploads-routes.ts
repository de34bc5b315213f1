// Uploading images from the editor. The file is parsed (into memory, size-limited)
// before the CSRF check because a multipart body carries the token inside it;
// nothing is written until the token and the image's bytes have been checked.
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import type { AppContext } from '../context.js';
import { csrfProtection } from '../http/csrf.js';
import { HttpError } from '../http/errors.js';
import { MAX_UPLOAD_BYTES, saveUpload, uploadMarkdown } from '../uploads/uploads-store.js';
import { scopeOf } from './permissions.js';
import { me } from './session-auth.js';

const parseImage = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 10_000 },
}).single('image');

function readMultipart(req: Request, res: Response, next: NextFunction) {
  parseImage(req, res, (err?: unknown) => {
    if (err instanceof multer.MulterError) {
      return next(err.code === 'LIMIT_FILE_SIZE'
        ? new HttpError(413, `That image is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`)
        : new HttpError(400, 'Send one image in the field “image”.'));
    }
    // The parser's own errors (no boundary, a body cut off) are a malformed request, not ours.
    next(err === undefined ? undefined : new HttpError(400, 'That upload arrived incomplete or malformed. Please choose the image and send it again.'));
  });
}

export function uploadsRoutes(ctx: AppContext): Router {
  const { repos, config } = ctx;
  const router = Router();

  function list(req: Request, res: Response) {
    const user = me(res);
    res.locals.csrfToken = req.csrfToken();
    const uploads = repos.uploads.listRecent(scopeOf(user), 60);
    res.render('admin/uploads', { pageTitle: 'Images', uploads: uploads.map((u) => ({ ...u, markdown: uploadMarkdown(u) })), justUploaded: undefined });
  }

  async function create(req: Request, res: Response) {
    if (!req.file) throw new HttpError(400, 'Choose an image to upload.');
    const user = me(res);
    const upload = await saveUpload(config.dataDir, repos.uploads, req.file, user.id);
    repos.audit.record({ userId: user.id, action: 'upload.create', subject: `upload:${upload.id}`, detail: upload.original_name });
    const markdown = uploadMarkdown(upload);
    if (req.accepts(['html', 'json']) === 'json') {
      return res.status(201).json({ url: `/uploads/${upload.filename}`, markdown });
    }
    const uploads = repos.uploads.listRecent(scopeOf(user), 60);
    res.locals.csrfToken = req.csrfToken();
    res.status(201).render('admin/uploads', {
      pageTitle: 'Images',
      uploads: uploads.map((u) => ({ ...u, markdown: uploadMarkdown(u) })),
      justUploaded: { ...upload, markdown },
    });
  }

  router.get('/uploads', csrfProtection, list);
  router.post('/uploads', readMultipart, csrfProtection, create);
  return router;
}
