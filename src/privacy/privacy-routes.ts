// The privacy page: what Colloquy keeps about readers and commenters, for how long and
// who sees it, with the real retention setting and the blog's contact for erasure
// (mounted, with its cache headers, in src/routes.ts).
import type { Request, Response } from 'express';
import type { Settings } from '../settings/settings.js';

/** How readers reach whoever erases data: a mailto: or web link, or none set. */
export function privacyContact(contact: string): { href: string; text: string } | undefined {
  if (contact === '') return undefined;
  return contact.includes('@') && !/^https?:/i.test(contact) ? { href: `mailto:${contact}`, text: contact } : { href: contact, text: contact };
}

export function privacyRoutes() {
  function show(_req: Request, res: Response) {
    const site = res.locals.site as Settings;
    res.render('privacy/show', {
      pageTitle: 'Privacy',
      description: `What ${site.title} keeps about readers and commenters, for how long, and who sees it.`,
      canonical: '/privacy',
      retentionDays: site.retention_days,
      contact: privacyContact(site.privacy_contact),
      remoteAvatars: site.remote_avatars,
    });
  }

  return { show };
}
