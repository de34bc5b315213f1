// Hostile texts of a given length for every module that reads user text: runs of
// spaces after each keyword a detector looks for, runs of the characters patterns
// repeat (digits, spaces, dashes, plus signs, at-signs, dots), Markdown's nesting
// marks and HTML-ish openers. Shared by tests/adversarial-input.test.ts and bench/adversarial.ts.
import { findPersonalData } from '../../src/risk/personal-data.js';
import { htmlToText, renderCommentMarkdown, renderPostMarkdown } from '../../src/markdown.js';
import { slugify } from '../../src/slug.js';
import { normaliseQuery, snippetToHtml, toMatchExpression } from '../../src/search/search-query.js';
import { checkCommentText, isEmail, normaliseUrl } from '../../src/comments/comment-input.js';
import { commentHtmlToMarkdown, decodeEntities } from '../../src/wxr/wordpress-html.js';
import { blocklistHit } from '../../src/comments/moderation.js';

export interface AdversarialInput {
  name: string;
  text: string;
}

// Every word after which a detector reads on: a pattern that backtracks over the
// spaces that follow one of these shows here.
const KEYWORDS = [
  'phone', 'tel', 'telephone', 'mobile', 'whats app', 'call me on', 'text me at', 'ring us on', 'phone no.', 'phone number:',
  'NHS', 'NHS number', 'CHI', 'H&C', 'patient', 'hospital', 'ref', 'reference',
  'born', 'born on', 'born on the', 'DOB', 'd.o.b.', 'date of birth', 'birth date',
  'lives at', 'my address is', 'live at', '12 High Street', '12', 'SW1A', 'IBAN GB82', 'GB82',
  'mailto:', 'http://', 'https://', 'www.',
];

/** A run of `unit` filling `length` characters after `prefix`, closed by `tail`. */
function run(prefix: string, unit: string, length: number, tail = 'x'): string {
  const room = Math.max(0, length - prefix.length - tail.length);
  return prefix + unit.repeat(Math.ceil(room / unit.length)).slice(0, room) + tail;
}

export function adversarialInputs(length = 10_000): AdversarialInput[] {
  const inputs: AdversarialInput[] = KEYWORDS.map((k) => ({ name: `"${k}" + spaces + x`, text: run(`${k}`, ' ', length) }));
  const runs: [string, string, string, string?][] = [
    ['digits', '', '1'],
    ['digits + x', '', '1', 'x'],
    ['digit space', '', '1 '],
    ['digit dash', '', '1-'],
    ['digit dot', '', '1.'],
    ['plus digit', '', '+1'],
    ['plus digit space', '', '+1 '],
    ['plus signs', '', '+'],
    ['dashes', '', '-', 'a'],
    ['spaces', '', ' '],
    ['"(0" runs', '', '(0'],
    ['"00 1" runs', '', '00 1'],
    ['at-signs', '', '@'],
    ['a@ runs', '', 'a@'],
    ['dots', '', '.'],
    ['a. runs', '', 'a.'],
    ['local part then dots', 'a@', 'a.', '!'],
    ['a- runs', 'x@', 'a-'],
    ['open brackets', '', '['],
    ['bracket pairs', '', '[]('],
    ['link openers', '', '[a]('],
    ['emphasis stars', '', '*'],
    ['emphasis openers', '', '*a '],
    ['strong openers', '', '**a '],
    ['underscores', '', '_a '],
    ['backticks', '', '`'],
    ['backtick words', '', '`a'],
    ['nested quotes', '', '> '],
    ['nested quotes, no spaces', '', '>'],
    ['nested lists', '', '- '],
    ['nested ordered lists', '', '1. '],
    ['quote list mix', '', '> - '],
    ['angle brackets', '', '<'],
    ['tag openers', '', '<a '],
    ['bold tag openers', '', '<b>'],
    ['quote tag openers', '', '<blockquote>'],
    ['emphasis closers', 'a', ' a*'],
    ['entity openers', '', '&#'],
    ['upper-case letters and digits', '', 'GB82 '],
    ['postcode-like', '', 'SW1A 1AA '],
    ['ten digits with spaces', '', '943 476 5919 '],
    ['DOCTYPE words', '', '<!DOCTYPE '],
  ];
  for (const [name, prefix, unit, tail] of runs) inputs.push({ name, text: run(prefix, unit, length, tail ?? '') });
  return inputs;
}

/** Each pure module that reads user text, as one call. */
export const TARGETS: readonly { module: string; read: (text: string) => unknown }[] = [
  { module: 'personal data', read: findPersonalData },
  { module: 'post Markdown', read: renderPostMarkdown },
  { module: 'comment Markdown', read: renderCommentMarkdown },
  { module: 'comment text check', read: checkCommentText },
  { module: 'slug', read: slugify },
  { module: 'search query', read: (text) => toMatchExpression(normaliseQuery(text)) },
  { module: 'search snippet', read: snippetToHtml },
  { module: 'email and URL check', read: (text) => [isEmail(text), normaliseUrl(text)] },
  { module: 'WordPress HTML', read: (text) => [commentHtmlToMarkdown(text), decodeEntities(text)] },
  { module: 'plain text', read: htmlToText },
  { module: 'blocklist', read: (text) => blocklistHit(text, 'casino\nfree money\nx') },
];
