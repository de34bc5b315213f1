// Reading form and query values as a browser or a bot may send them: a string, an
// array (`a=1&a=2`), or nothing. Never throws; odd shapes read as empty. Also the
// guards for paths a form hands back (where to go after logging in, or after an action).

/** A field as a string; a repeated field reads as its first value, so typed text is kept. */
export function text(source: unknown, name: string): string {
  return firstString((source as Record<string, unknown> | undefined)?.[name]);
}

/** A checkbox: present (any value) means on, as a browser sends it. */
export function checked(source: unknown, name: string): boolean {
  return (source as Record<string, unknown> | undefined)?.[name] !== undefined;
}

/** A field as a string, the first value when the field came more than once (the public comment form keeps what a person typed). */
export function firstString(value: unknown): string {
  // One level only: a JSON body can nest arrays deeper than the stack.
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** A positive whole id, or undefined. */
export function parseId(raw: unknown): number | undefined {
  return typeof raw === 'string' && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined;
}

/** Every positive id in a repeated field (checkboxes), at most `max`. */
export function idList(source: unknown, name: string, max = 200): number[] {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  const raw = Array.isArray(value) ? value : [value];
  return [...new Set(raw.map(parseId).filter((id): id is number => id !== undefined))].slice(0, max);
}

export type FieldErrors = Partial<Record<string, string>>;

export const hasErrors = (errors: FieldErrors): boolean => Object.values(errors).some(Boolean);

/** A path back inside the admin pages, from a hidden field; anything else gives `fallback`. */
export function adminPath(raw: unknown, fallback: string): string {
  return typeof raw === 'string' && /^\/admin(?:[/?][^\\\s]*)?$/.test(raw) && !raw.startsWith('/admin//') ? raw : fallback;
}

/** A local path only (one leading slash, not `//` or `/\`), else `fallback`: where to send someone back to. */
export function localPath(raw: unknown, fallback: string): string {
  if (typeof raw !== 'string' || raw.length > 2000) return fallback;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  return raw;
}

/** Where to go after logging in: a local path, else the dashboard. */
export const safeNext = (raw: unknown): string => localPath(raw, '/admin');
