// Slugs for posts and tags: lowercase ASCII letters, digits and hyphens.

const MARKS = /[\u0300-\u036f]/g;
const APOSTROPHES = /['’]/g;
const NOT_SLUG = /[^a-z0-9]+/g;

/** Every pattern the slug maker runs on typed titles, for the ReDoS check (tests/redos.test.ts). */
export const PATTERNS: readonly RegExp[] = [MARKS, APOSTROPHES, NOT_SLUG];

// Hyphens are trimmed by hand: `-+$` retried from every hyphen of a long run is quadratic.
export function trimHyphens(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === '-') start++;
  while (end > start && text[end - 1] === '-') end--;
  return text.slice(start, end);
}

export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(MARKS, '')
    .replaceAll('ß', 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[œŒ]/g, 'oe')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(NOT_SLUG, '-');
  return trimHyphens(trimHyphens(slug).slice(0, 80));
}

/** The first of `base`, `base-2`, `base-3`, … that `taken` does not hold. */
export function uniqueSlug(base: string, taken: (slug: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken(candidate)) return candidate;
  }
}
