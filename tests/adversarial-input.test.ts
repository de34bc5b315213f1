// Every module that reads user text, fed 10,000-character hostile inputs
// (tests/helpers/adversarial-inputs.ts). The 2 s bound only catches a hang: a linear
// reader takes milliseconds, the backtracking it replaced took minutes.
import { describe, expect, it } from 'vitest';
import { adversarialInputs, TARGETS } from './helpers/adversarial-inputs.js';
import { checkCommentText } from '../src/comments/comment-input.js';
import { MAX_NESTING, nestingDepth, renderCommentMarkdown, renderPostMarkdown } from '../src/markdown.js';

const HANG = 2_000;

describe('adversarial inputs of 10,000 characters', () => {
  it.each(adversarialInputs(10_000).map((input) => [input.name, input.text] as const))('%s', (_name, text) => {
    expect(text.length).toBe(10_000);
    for (const { module, read } of TARGETS) {
      const started = performance.now();
      expect(() => read(text), module).not.toThrow();
      expect(performance.now() - started, module).toBeLessThan(HANG);
    }
  });
});

describe('deep nesting', () => {
  const deep = {
    quotes: '> '.repeat(4_999) + 'x',
    lists: '- '.repeat(4_999) + 'x',
    'ordered lists': '1. '.repeat(3_000) + 'x',
    emphasis: `${'*a '.repeat(1_600)}x${' a*'.repeat(1_600)}`,
    brackets: `${'[a '.repeat(1_400)}x${'](u)'.repeat(1_400)}`,
    'indented lists': Array.from({ length: 90 }, (_, i) => `${' '.repeat(2 * i)}- x`).join('\n'),
  };

  it.each(Object.entries(deep))('%s are refused in a comment, and rendered flat, never overflowing', (_name, text) => {
    expect(nestingDepth(text)).toBeGreaterThan(MAX_NESTING);
    expect(checkCommentText(text)).toEqual({ ok: false, error: expect.stringContaining('nested too deeply') });
    for (const render of [renderCommentMarkdown, renderPostMarkdown]) {
      const html = render(text);
      expect(html).not.toContain('<blockquote>');
      expect(html).toContain('x');
    }
  });

  it('keeps ordinary nesting: quotes in quotes, lists in lists, emphasis in links', () => {
    const text = '> > quoted twice\n\n- a\n  - b\n    - c\n\n[**bold *and em***](https://example.org)';
    expect(nestingDepth(text)).toBeLessThanOrEqual(4);
    expect(checkCommentText(text).ok).toBe(true);
    const html = renderCommentMarkdown(text);
    expect(html).toContain('<blockquote>\n<blockquote>');
    expect(html).toContain('<strong>bold <em>and em</em></strong>');
  });

  it(`allows ${MAX_NESTING} levels and renders them`, () => {
    const text = '> '.repeat(MAX_NESTING) + 'x';
    expect(checkCommentText(text).ok).toBe(true);
    expect(renderCommentMarkdown(text).split('<blockquote>').length - 1).toBe(MAX_NESTING);
  });

  it('does not count emphasis or brackets inside fenced code', () => {
    expect(nestingDepth(`\`\`\`\n${'[*'.repeat(200)}\n\`\`\`\nafter`)).toBe(0);
  });
});
