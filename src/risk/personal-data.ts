// Finds personal data that a health professional's or a school's blog must not leak
// by accident: email addresses, phone numbers, NHS numbers, US Social Security
// numbers, payment card numbers, IBANs and dates of birth. Pure: text in, findings out.
//
// Precision matters more than recall: a held comment or a post kept as a draft costs
// someone time, so every pattern is narrow and, where the format has one, checked
// (mod 11, Luhn, mod 97, the SSN rules). Years, dates, prices, times and version
// numbers never match. Street addresses are left out: their forms vary too much by
// country to tell "12 High Street" from "12 high street shops" without a gazetteer.

export type PersonalDataKind = 'email' | 'phone' | 'nhs_number' | 'ssn' | 'card_number' | 'iban' | 'date_of_birth';

export interface Finding {
  kind: PersonalDataKind;
  /** What was found, for people: "an email address". */
  label: string;
  /** The text found, masked so that logs and notes do not repeat it. */
  match: string;
}

interface Span {
  kind: PersonalDataKind;
  start: number;
  end: number;
}

type Detector = (text: string) => Span[];

const LABELS: Record<PersonalDataKind, string> = {
  email: 'an email address',
  phone: 'a phone number',
  nhs_number: 'an NHS number',
  ssn: 'a US Social Security number',
  card_number: 'a payment card number',
  iban: 'a bank account number (IBAN)',
  date_of_birth: 'a date of birth',
};

/**
 * Every piece of personal data in `text`, in order of appearance; overlapping matches
 * count once, and so does the same text written twice.
 */
export function findPersonalData(text: string): Finding[] {
  const taken: Span[] = [];
  // Order is priority: a checked number (IBAN, card, NHS) wins over the looser phone shape.
  for (const detect of DETECTORS) {
    for (const span of detect(text)) {
      if (!taken.some((t) => span.start < t.end && t.start < span.end)) taken.push(span);
    }
  }
  const seen = new Set<string>();
  return taken
    .sort((a, b) => a.start - b.start)
    .filter((s) => {
      const found = text.slice(s.start, s.end);
      return !seen.has(found) && Boolean(seen.add(found));
    })
    .map((s) => ({ kind: s.kind, label: LABELS[s.kind], match: mask(text.slice(s.start, s.end)) }));
}

/**
 * One line for a moderator or an author naming what was found, each kind once:
 * "an email address and a phone number". Empty for no findings.
 */
export function describeFindings(findings: readonly Finding[]): string {
  const labels = [...new Set(findings.map((f) => f.label))];
  return labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** Letters and digits hidden but the first and the last two, so a person can still tell which one it was. */
export function mask(found: string): string {
  const positions = [...found.matchAll(/[\p{L}\p{N}]/gu)].map((m) => m.index);
  const keep = new Set([positions[0], ...positions.slice(-2)]);
  let out = '';
  for (let i = 0; i < found.length; i++) {
    out += /[\p{L}\p{N}]/u.test(found[i]!) && !keep.has(i) ? '•' : found[i];
  }
  return out;
}

function spans(text: string, kind: PersonalDataKind, pattern: RegExp, accept: (m: RegExpExecArray) => boolean = () => true, group = 0): Span[] {
  const found: Span[] = [];
  for (const m of text.matchAll(pattern)) {
    if (!accept(m)) continue;
    const part = m[group]!;
    const start = m.index + m[0].indexOf(part);
    found.push({ kind, start, end: start + part.length });
  }
  return found;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');
const allSame = (digits: string): boolean => /^(\d)\1*$/.test(digits);

// Not part of a longer number, word or dotted version on either side.
const NUM_BEFORE = String.raw`(?<![\p{L}\p{N}_.,+\-/])`;
const NUM_AFTER = String.raw`(?![\p{L}\p{N}_\-/]|[.,]\d)`;

// --- Email ---------------------------------------------------------------------
// A Mastodon handle (@name@host) is a public address, and git@host is a remote.
const EMAIL = /(?<![\w.%+@-])([a-z0-9](?:[a-z0-9._%+-]{0,62}[a-z0-9])?)@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w-]|\.[a-z])/giu;
const detectEmail: Detector = (text) => spans(text, 'email', EMAIL, (m) => m[1]!.toLowerCase() !== 'git' && !m[1]!.includes('..'));

// --- Payment cards ---------------------------------------------------------------
const CARD = new RegExp(
  NUM_BEFORE +
    String.raw`(\d{4}([ -])\d{4}\2\d{4}\2\d{4}(?:\2\d{3})?|\d{4}([ -])\d{6}\3\d{4,5}|\d{15,16})` +
    NUM_AFTER,
  'gu',
);
// Published test numbers: a post about payments may show them.
const TEST_CARDS = new Set(['4111111111111111', '4242424242424242', '4012888888881881', '5555555555554444', '5105105105105100', '378282246310005', '371449635398431', '6011111111111117', '4000056655665556', '30569309025904', '3566002020360505']);

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// Issuer prefixes (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro):
// a number that does not start like a card is not one, whatever its checksum.
function hasCardPrefix(d: string): boolean {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  if (d.startsWith('4')) return d.length === 13 || d.length === 16 || d.length === 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return d.length === 16;
  if (two === 34 || two === 37) return d.length === 15;
  if (d.startsWith('6011') || two === 65 || (Number(d.slice(0, 3)) >= 644 && Number(d.slice(0, 3)) <= 649)) return d.length >= 16;
  if (two === 36 || two === 38 || (Number(d.slice(0, 3)) >= 300 && Number(d.slice(0, 3)) <= 305)) return d.length >= 14;
  if (two === 35 || two === 62) return d.length >= 16;
  if (two === 50 || (two >= 56 && two <= 69)) return d.length >= 12;
  return false;
}

const detectCard: Detector = (text) =>
  spans(text, 'card_number', CARD, (m) => {
    const d = digitsOf(m[1]!);
    return !allSame(d) && !TEST_CARDS.has(d) && hasCardPrefix(d) && luhnValid(d);
  });

// --- IBAN ----------------------------------------------------------------------
// Lengths by country (SWIFT IBAN registry), so a code-like string must fit its country.
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20,
};
const IBAN = /(?<![\p{L}\p{N}])([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)(?![\p{L}\p{N}])/gu;

export function ibanValid(raw: string): boolean {
  const iban = raw.replace(/ /g, '');
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

const detectIban: Detector = (text) => spans(text, 'iban', IBAN, (m) => ibanValid(m[1]!));

// --- US Social Security numbers ---------------------------------------------------
// Only the written form 123-45-6789; never issued: area 000, 666 or 9xx, group 00,
// serial 0000, and the two numbers famous from advertising.
const SSN = new RegExp(NUM_BEFORE + String.raw`((\d{3})-(\d{2})-(\d{4}))` + NUM_AFTER, 'gu');
const detectSsn: Detector = (text) =>
  spans(text, 'ssn', SSN, (m) => {
    const [area, group, serial] = [m[2]!, m[3]!, m[4]!];
    return area !== '000' && area !== '666' && !area.startsWith('9') && group !== '00' && serial !== '0000'
      && m[1] !== '078-05-1120' && m[1] !== '219-09-9999';
  }, 1);

// --- NHS numbers -------------------------------------------------------------------
// Ten digits with a mod-11 check digit. The printed form "943 476 5919" is taken on
// its own; any other grouping (or none: ten digits may be a timestamp) needs the
// words "NHS" or "CHI" just before it.
const NHS_SPACED = new RegExp(NUM_BEFORE + String.raw`(\d{3} \d{3} \d{4})` + NUM_AFTER, 'gu');
const NHS_NAMED = new RegExp(String.raw`\b(?:NHS|CHI|H&C)(?:\s*(?:no\.?|number|num|#))?\s*[:=\-]?\s*(\d{3}[ -]?\d{3}[ -]?\d{4})` + NUM_AFTER, 'giu');

export function nhsNumberValid(raw: string): boolean {
  const d = digitsOf(raw);
  if (d.length !== 10 || allSame(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(d[9]);
}

const detectNhs: Detector = (text) => [
  ...spans(text, 'nhs_number', NHS_NAMED, (m) => nhsNumberValid(m[1]!), 1),
  ...spans(text, 'nhs_number', NHS_SPACED, (m) => nhsNumberValid(m[1]!), 1),
];

// --- Dates of birth ------------------------------------------------------------------
// Only a full date (day, month and year) right after "DOB", "date of birth" or "born (on)".
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DATE = String.raw`(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:${MONTHS})\.?,?\s+\d{4}|(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})`;
const DOB = new RegExp(String.raw`\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s?date|born(?:\s+on)?)\s*[:\-–]?\s*(?:the\s+)?(${DATE})(?![\p{L}\p{N}])`, 'giu');

/** Whether the numbers of a written date can be a real day (either day-month order). */
function plausibleDate(date: string): boolean {
  const [a = 0, b = 0, c = 0] = date.match(/\d+/g)?.map(Number) ?? [];
  if (/[a-z]/i.test(date)) return (a >= 1 && a <= 31) || (b >= 1 && b <= 31); // "3 March 2014", "March 3, 2014"
  if (/^\d{4}-/.test(date)) return b >= 1 && b <= 12 && c >= 1 && c <= 31;
  return a >= 1 && b >= 1 && ((a <= 31 && b <= 12) || (a <= 12 && b <= 31));
}

const detectDob: Detector = (text) => spans(text, 'date_of_birth', DOB, (m) => plausibleDate(m[1]!), 1);

// --- Phone numbers ---------------------------------------------------------------------
// International (+CC…, 8 to 15 digits, or 00CC… as dialled from Europe, in groups);
// North American (NXX-NXX-XXXX, or (NXX) NXX-XXXX); national numbers starting 0X
// (UK, France, …) of 10 or 11 digits in groups, the area code may be bracketed. Any
// 9-15 digit run directly after "phone", "tel", "call me on" and the like.
const PHONE_INTL = new RegExp(String.raw`(?<![\p{L}\p{N}_+])(\+\d{1,3}(?:[ .-]?\(\d{1,4}\)|[ .-]?\d{1,5}){2,7})` + NUM_AFTER, 'gu');
// The 00 prefix only in groups: a bare run of digits starting 00 is more often an id.
const PHONE_INTL_00 = new RegExp(NUM_BEFORE + String.raw`(00[1-9]\d{0,2}(?:[ .-]\(\d{1,4}\)|[ .-]\d{1,5}){2,7})` + NUM_AFTER, 'gu');
const PHONE_NANP = new RegExp(NUM_BEFORE + String.raw`((?:\([2-9]\d{2}\) ?[2-9]\d{2}[-. ]\d{4})|(?:[2-9]\d{2}([-.])[2-9]\d{2}\2\d{4}))` + NUM_AFTER, 'gu');
const PHONE_NATIONAL = new RegExp(NUM_BEFORE + String.raw`(0[1-9]\d{0,4}(?:[ -]\d{2,6}){1,4}|0[1-9]\d{8,9}|\(0[1-9]\d{0,4}\) ?\d{2,6}(?:[ -]\d{2,6}){0,3})` + NUM_AFTER, 'gu');
const PHONE_NAMED = new RegExp(
  String.raw`\b(?:phone|tel|telephone|mobile|cell|fax|whats\s?app|call\s+(?:me|us|him|her|them)(?:\s+(?:on|at))?|text\s+(?:me|us)(?:\s+(?:on|at))?|ring\s+(?:me|us)(?:\s+on)?)\.?\s*(?:no\.?|number)?\s*[:\-]?\s*(\+?\(?\d[\d ().-]{7,20}\d)` + NUM_AFTER,
  'giu',
);

function digitCount(min: number, max: number) {
  return (m: RegExpExecArray) => {
    const d = digitsOf(m[1]!);
    return d.length >= min && d.length <= max && !allSame(d);
  };
}

const detectPhone: Detector = (text) => [
  ...spans(text, 'phone', PHONE_INTL, digitCount(8, 15), 1),
  ...spans(text, 'phone', PHONE_INTL_00, digitCount(10, 17), 1),
  ...spans(text, 'phone', PHONE_NANP, digitCount(10, 10), 1),
  ...spans(text, 'phone', PHONE_NATIONAL, digitCount(10, 11), 1),
  ...spans(text, 'phone', PHONE_NAMED, digitCount(9, 15), 1),
];

const DETECTORS: readonly Detector[] = [detectEmail, detectIban, detectCard, detectSsn, detectNhs, detectDob, detectPhone];
