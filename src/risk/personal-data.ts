// Finds personal data that a health professional's or a school's blog must not leak
// by accident: email addresses, phone numbers, NHS numbers, US Social Security
// numbers, payment card numbers, IBANs, dates of birth and UK home addresses. Pure:
// text in, findings out.
//
// Precision matters more than recall: a held comment or a post kept as a draft costs
// someone time, so every pattern is narrow and, where the format has one, checked
// (mod 11, Luhn, mod 97, the SSN rules). Years, dates, prices, times and version
// numbers never match. An address counts only as a UK postcode that an address leads
// up to ("12 Abbey Road, London NW8 9AY"): a postcode alone names an area, not a person.
//
// Every text a stranger can send runs through here, so each pattern is linear (no
// nested or overlapping unbounded quantifiers; tests/redos.test.ts checks PATTERNS),
// and a long text is read in overlapping windows of bounded size, to its very end.

export type PersonalDataKind = 'email' | 'phone' | 'nhs_number' | 'ssn' | 'card_number' | 'iban' | 'date_of_birth' | 'postal_address';

export interface Finding {
  kind: PersonalDataKind;
  /** What was found, for people: "an email address". */
  label: string;
  /** The text found: masked so that logs and notes do not repeat it, unless asked for whole. */
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
  postal_address: 'a home address',
};

// Windows overlap by OVERLAP; a window keeps the findings that start in its middle part,
// so each finding is read once with at least OVERLAP / 2 characters of context on
// either side. No finding with the context it needs is longer than that.
const WINDOW = 8192;
const OVERLAP = 2048;

/**
 * Every piece of personal data in `text`, in order of appearance; overlapping matches
 * count once, and so does the same text written twice. `whole` gives each match as
 * written, for the text's own author, who must find it to remove it; anyone else gets
 * it masked.
 */
export function findPersonalData(text: string, show: 'masked' | 'whole' = 'masked'): Finding[] {
  const spansFound: Span[] = [];
  let previous: Span[] = [];
  for (let from = 0; ; from += WINDOW - OVERLAP) {
    const last = from + WINDOW >= text.length;
    const keepFrom = from === 0 ? 0 : OVERLAP / 2;
    const keepTo = last ? Infinity : WINDOW - OVERLAP / 2;
    const window = text.slice(from, from + WINDOW);
    // A finding kept by the window before may reach into this one.
    const taken = new Uint8Array(window.length);
    for (const s of previous) for (let i = Math.max(s.start - from, 0); i < s.end - from; i++) taken[i] = 1;
    const here: Span[] = [];
    // Order is priority: a checked number (IBAN, card, NHS) wins over the looser phone shape.
    for (const detect of DETECTORS) {
      for (const span of detect(window)) {
        if (span.start < keepFrom || span.start >= keepTo || taken.subarray(span.start, span.end).includes(1)) continue;
        taken.fill(1, span.start, span.end);
        here.push({ ...span, start: span.start + from, end: span.end + from });
      }
    }
    previous = here.sort((a, b) => a.start - b.start);
    spansFound.push(...previous);
    if (last) break;
  }
  // Each distinct text once, in the order it first appears.
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const s of spansFound) {
    const matched = text.slice(s.start, s.end);
    if (seen.has(matched)) continue;
    seen.add(matched);
    findings.push({ kind: s.kind, label: LABELS[s.kind], match: show === 'whole' ? matched : mask(matched) });
  }
  return findings;
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
  const positions: number[] = [];
  for (let i = 0; i < found.length; i++) if (LETTER_OR_DIGIT.test(found[i]!)) positions.push(i);
  const keep = new Set([positions[0], ...positions.slice(-2)]);
  let out = '';
  for (let i = 0; i < found.length; i++) out += positions.includes(i) && !keep.has(i) ? '•' : found[i];
  return out;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

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

const NOT_DIGIT = /\D/g;
const digitsOf = (s: string): string => s.replace(NOT_DIGIT, '');
const allSame = (digits: string): boolean => [...digits].every((d) => d === digits[0]);

// Not part of a longer number, word or dotted version on either side.
const NUM_BEFORE = String.raw`(?<![\p{L}\p{N}_.,+\-/])`;
const NUM_AFTER = String.raw`(?![\p{L}\p{N}_\-/]|[.,]\d)`;

// --- Email ---------------------------------------------------------------------
// A Mastodon handle (@name@host) is a public address, and git@host is a remote.
// Where a part may start or end (a letter or digit) is checked after the match, so that
// no two quantifiers compete for the same characters.
const EMAIL = /(?<![\w.%+@-])([a-z0-9][a-z0-9._%+-]{0,63})@((?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24})(?![\w-]|\.[a-z])/giu;
const EDGE_OK = /^[a-z0-9](?:.*[a-z0-9])?$/i;
const detectEmail: Detector = (text) => spans(text, 'email', EMAIL, (m) =>
  m[1]!.toLowerCase() !== 'git' && !m[1]!.includes('..') && EDGE_OK.test(m[1]!) && m[2]!.split('.').every((label) => EDGE_OK.test(label)));

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
  const iban = raw.replaceAll(' ', '');
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
// Ten digits with a mod-11 check digit. Right after "NHS", "CHI" or "H&C" any grouping
// counts. Ten plain digits (or the printed 3-3-4 form "943 476 5919") count only with
// a word of the trade within about 40 characters: about 9% of any ten digits pass the
// check, and ten digits alone are more often a timestamp or an order number.
const NHS_NAMED = new RegExp(String.raw`\b(?:NHS|CHI|H&C)(?:\s{0,3}(?:no\.?|number|num|#))?(?:\s{0,3}[:=\-])?\s{0,3}(\d{3}[ -]?\d{3}[ -]?\d{4})` + NUM_AFTER, 'giu');
const NHS_PLAIN = new RegExp(NUM_BEFORE + String.raw`(\d{10}|\d{3} \d{3} \d{4})` + NUM_AFTER, 'gu');
const NHS_CONTEXT = /\b(?:nhs|patient|hospital|clinic|gp|ref|reference|number)\b/i;
const NHS_CONTEXT_REACH = 40;

export function nhsNumberValid(raw: string): boolean {
  const d = digitsOf(raw);
  if (d.length !== 10 || allSame(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(d[9]);
}

const nearNhsContext = (m: RegExpExecArray): boolean =>
  NHS_CONTEXT.test(m.input.slice(Math.max(0, m.index - NHS_CONTEXT_REACH), m.index))
  || NHS_CONTEXT.test(m.input.slice(m.index + m[0].length, m.index + m[0].length + NHS_CONTEXT_REACH));

const detectNhs: Detector = (text) => [
  ...spans(text, 'nhs_number', NHS_NAMED, (m) => nhsNumberValid(m[1]!), 1),
  ...spans(text, 'nhs_number', NHS_PLAIN, (m) => nhsNumberValid(m[1]!) && nearNhsContext(m), 1),
];

// --- Dates of birth ------------------------------------------------------------------
// Only a full date (day, month and year) right after "DOB", "date of birth" or "born (on)".
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
// Runs of white space between the words are bounded: unbounded ones side by side let
// a pattern try every way of sharing out a long run of spaces.
const DATE = String.raw`(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\s{1,3}(?:of\s{1,3})?(?:${MONTHS})\.?,?\s{1,3}\d{4}|(?:${MONTHS})\.?\s{1,3}\d{1,2}(?:st|nd|rd|th)?,?\s{1,3}\d{4})`;
const DOB = new RegExp(String.raw`\b(?:d\.?\s?o\.?\s?b\.?|date\s{1,3}of\s{1,3}birth|birth\s?date|born(?:\s{1,3}on)?)(?:\s{0,3}[:\-–])?\s{0,3}(?:the\s{1,3})?(${DATE})(?![\p{L}\p{N}])`, 'giu');

/** Whether the numbers of a written date can be a real day (either day-month order). */
const NUMBERS = /\d+/g;
const LETTER = /[a-z]/i;
const ISO_DATE = /^\d{4}-/;

function plausibleDate(date: string): boolean {
  const [a = 0, b = 0, c = 0] = date.match(NUMBERS)?.map(Number) ?? [];
  if (LETTER.test(date)) return (a >= 1 && a <= 31) || (b >= 1 && b <= 31); // "3 March 2014", "March 3, 2014"
  if (ISO_DATE.test(date)) return b >= 1 && b <= 12 && c >= 1 && c <= 31;
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
  String.raw`\b(?:phone|tel|telephone|mobile|cell|fax|whats\s?app|call\s{1,3}(?:me|us|him|her|them)(?:\s{1,3}(?:on|at))?|text\s{1,3}(?:me|us)(?:\s{1,3}(?:on|at))?|ring\s{1,3}(?:me|us)(?:\s{1,3}on)?)\.?(?:\s{0,3}(?:no\.?|number))?(?:\s{0,3}[:\-])?\s{0,3}(\+?\(?\d[\d ().-]{7,20}\d)` + NUM_AFTER,
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

// --- UK home addresses -------------------------------------------------------------------
// A postcode (Royal Mail's format) held only when, in the same sentence and within about
// 60 characters before it, a house number comes before a street word, or words such as
// "lives at" or "my address" lead up to it. A postcode alone is public: a surgery's or a
// school's is on its sign.
const POSTCODE = /(?<![\p{L}\p{N}])(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})(?![\p{L}\p{N}])/giu;
const ADDRESS_REACH = 60;
const HOUSE_NUMBER = /\b\d{1,4}[a-z]?\b/gi;
const STREET_ABBREVIATIONS = 'rd|st|ave|ln|dr|ct|pl|cres|gdns|terr|tce|sq';
const STREET = `road|street|avenue|lane|close|drive|way|court|place|crescent|gardens|terrace|grove|square|mews|row|walk|hill|park|parade|rise|view|${STREET_ABBREVIATIONS}`;
const STREET_WORD = new RegExp(String.raw`\b(?:${STREET})\b`, 'i');
const ADDRESS_WORDS = /\b(?:lives?|living|stays?|staying)\s{1,3}at\b|\b(?:my|our|his|her|their|home)\s{1,3}address\b/i;
// The lead-in stops at the last sentence break; "St." and "Rd." do not end a sentence.
const SENTENCE_BREAK = /[.!?](?=\s)|\n[ \t]{0,40}\n/g;
const ABBREVIATED_STREET = new RegExp(String.raw`\b(?:${STREET_ABBREVIATIONS})$`, 'i');

function sameSentenceLead(text: string, start: number): string {
  const lead = text.slice(Math.max(0, start - ADDRESS_REACH), start);
  let cut = 0;
  for (const m of lead.matchAll(SENTENCE_BREAK)) {
    if (m[0] === '.' && ABBREVIATED_STREET.test(lead.slice(0, m.index))) continue;
    cut = m.index + m[0].length;
  }
  return lead.slice(cut);
}

function addressLeadsTo(text: string, start: number): boolean {
  const lead = sameSentenceLead(text, start);
  if (ADDRESS_WORDS.test(lead)) return true;
  for (const m of lead.matchAll(HOUSE_NUMBER)) {
    if (STREET_WORD.test(lead.slice(m.index + m[0].length))) return true;
  }
  return false;
}

const detectAddress: Detector = (text) => spans(text, 'postal_address', POSTCODE, (m) => addressLeadsTo(m.input, m.index), 1);

const DETECTORS: readonly Detector[] = [detectEmail, detectIban, detectCard, detectSsn, detectNhs, detectDob, detectPhone, detectAddress];

/** Every pattern this module runs on user text, for the ReDoS check (tests/redos.test.ts). */
export const PATTERNS: readonly RegExp[] = [
  EMAIL, CARD, IBAN, SSN, NHS_NAMED, NHS_PLAIN, NHS_CONTEXT, DOB, PHONE_INTL, PHONE_INTL_00, PHONE_NATIONAL, PHONE_NANP,
  PHONE_NAMED, POSTCODE, HOUSE_NUMBER, STREET_WORD, ADDRESS_WORDS, SENTENCE_BREAK, ABBREVIATED_STREET,
  EDGE_OK, LETTER_OR_DIGIT, NOT_DIGIT, NUMBERS, LETTER, ISO_DATE,
];
