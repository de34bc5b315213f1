// Every regular expression that can run on user text is checked by a ReDoS checker
// (recheck, its pure-JavaScript backend): the composed ones each module lists in
// PATTERNS, and every literal in src/, found by scanning the source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import { PATTERNS as commentInput } from '../src/comments/comment-input.js';
import { PATTERNS as markdown } from '../src/markdown.js';
import { PATTERNS as personalData } from '../src/risk/personal-data.js';
import { PATTERNS as searchQuery } from '../src/search/search-query.js';
import { PATTERNS as slug } from '../src/slug.js';
import { PATTERNS as wordpressHtml } from '../src/wxr/wordpress-html.js';
import { regexLiterals } from './helpers/regex-literals.js';

// The pure-JavaScript checker runs wherever the tests do: no native binary, no JVM.
process.env.RECHECK_SYNC_BACKEND = 'pure';

// recheck's fuzzer has a fixed seed, but its time limits would make a verdict depend
// on how busy the machine is; without them it counts steps only, and never flakes.
const DETERMINISTIC = { timeout: null, attackTimeout: null, incubationTimeout: null, recallTimeout: null, seedingTimeout: null };

const SRC = join(import.meta.dirname, '..', 'src');

// Patterns that never see a stranger's text, each with the reason; kept short on purpose.
const NOT_ON_USER_TEXT = new Map([
  ['src/config.ts /\\/+$/', 'trims BASE_URL, from the operator\'s environment, once at start'],
]);

function patterns(): { where: string; source: string; flags: string }[] {
  const listed = Object.entries({ commentInput, markdown, personalData, searchQuery, slug, wordpressHtml })
    .flatMap(([module, list]) => list.map((p) => ({ where: `${module} PATTERNS`, source: p.source, flags: p.flags })));
  const literals = readdirSync(SRC, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'))
    .flatMap((file) => regexLiterals(readFileSync(join(SRC, file), 'utf8')).map((r) => ({ where: `src/${file}:${r.line}`, ...r })));
  const seen = new Set<string>();
  return [...listed, ...literals].filter((p) => !seen.has(`/${p.source}/${p.flags}`) && Boolean(seen.add(`/${p.source}/${p.flags}`)));
}

describe('ReDoS check', () => {
  it('finds the patterns: every module lists its composed ones, and the scan sees the literals', () => {
    const all = patterns();
    expect(personalData.length).toBeGreaterThan(20);
    expect(all.some((p) => p.where.startsWith('src/slug.ts'))).toBe(true);
    expect(all.length).toBeGreaterThan(80);
  });

  it('calls every pattern safe', () => {
    const verdicts = patterns().filter((p) => !NOT_ON_USER_TEXT.has(`${p.where.replace(/:\d+$/, '')} /${p.source}/${p.flags}`)).map((p) => {
      const result = checkSync(p.source, p.flags, DETERMINISTIC);
      const detail = result.status === 'vulnerable' ? result.complexity.summary : result.status === 'unknown' ? result.error.kind : '';
      return { pattern: `${p.where} /${p.source}/${p.flags}`, status: result.status, detail };
    });
    expect(verdicts.filter((v) => v.status !== 'safe')).toEqual([]);
  }, 600_000);
});
