// Finding personal data in a post before it goes public: email addresses, phone
// numbers, payment card numbers, IBANs and US social security numbers. Pure; a
// finding is a prompt for the author to look, not a verdict.

export interface Finding {
  kind: 'email address' | 'phone number' | 'payment card number' | 'IBAN' | 'social security number';
  text: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const SSN = /\b\d{3}-\d{2}-\d{4}\b/g;
// A leading + or (area code), then groups of digits: at least 9 digits in all.
const PHONE = /(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,8}){1,4}\b|\+\d{9,15}\b/g;

const digits = (text: string): string => text.replace(/\D/g, '');

function luhn(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(raw: string): boolean {
  const iban = raw.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged) {
    const value = c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c;
    for (const d of value) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

// Dates and times look like numbers in groups; they are not phone numbers.
const DATE_LIKE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/;

/** Each distinct finding in the text, in order, at most 20. */
export function findPersonalData(text: string): Finding[] {
  const found: Finding[] = [];
  const seen = new Set<string>();
  const taken: [number, number][] = [];
  const add = (kind: Finding['kind'], match: RegExpMatchArray) => {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (taken.some(([s, e]) => start < e && end > s)) return;
    taken.push([start, end]);
    const key = `${kind}:${match[0]}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ kind, text: match[0].trim() });
  };
  for (const m of text.matchAll(EMAIL)) add('email address', m);
  for (const m of text.matchAll(IBAN)) if (ibanValid(m[0])) add('IBAN', m);
  for (const m of text.matchAll(SSN)) add('social security number', m);
  for (const m of text.matchAll(CARD)) if (luhn(digits(m[0])) && new Set(digits(m[0])).size > 1) add('payment card number', m);
  for (const m of text.matchAll(PHONE)) {
    const n = digits(m[0]).length;
    if (n >= 9 && n <= 15 && !DATE_LIKE.test(m[0])) add('phone number', m);
  }
  return found.slice(0, 20);
}
