import { describe, expect, it } from 'vitest';
import { highlightToHtml, normaliseQuery, snippetToHtml, toMatchExpression } from '../src/search/search-query.js';

describe('toMatchExpression', () => {
  it.each([
    ['hello', '"hello"*'],
    ['steam engine', '"steam" "engine"*'],
    ['say "hi"', '"say" """hi"""*'],
    ['NEAR( AND', '"NEAR(" "AND"*'],
    ['title:x -y', '"title:x" "-y"*'],
    ['  spaced   out  ', '"spaced" "out"*'],
    ['café 🎉', '"café"*'],
  ])('%j → %s', (query, expected) => {
    expect(toMatchExpression(query)).toBe(expected);
  });

  it.each(['', '   ', '*', '" " -', '🎉 ✨', '()'])('%j has nothing to look for', (query) => {
    expect(toMatchExpression(query)).toBeUndefined();
  });
});

describe('normaliseQuery', () => {
  it('takes only a string, trimmed, and at most 200 characters without splitting one', () => {
    expect(normaliseQuery(['a', 'b'])).toBe('');
    expect(normaliseQuery(undefined)).toBe('');
    expect(normaliseQuery('  x  ')).toBe('x');
    const emoji = '😀'.repeat(250);
    expect(Array.from(normaliseQuery(emoji))).toHaveLength(200);
    expect(normaliseQuery(emoji)).toBe('😀'.repeat(200));
  });
});

describe('snippetToHtml and highlightToHtml', () => {
  const o = '\uE000';
  const c = '\uE001';
  it('escapes text and turns only the marks into <mark>', () => {
    expect(highlightToHtml(`a <b> & ${o}x${c}`)).toBe('a &lt;b&gt; &amp; <mark>x</mark>');
  });

  it('drops Markdown and HTML markup around the words', () => {
    expect(snippetToHtml(`## Title\n**bold** [a ${o}link${c}](https://x.example/) <em>em</em> \`code\``)).toBe('Title bold a <mark>link</mark> em code');
  });

  it('never leaves a <mark> open or closes one that was not opened', () => {
    expect(snippetToHtml(`<a href="${o}x${c}">y</a> ${o}z`)).toBe('y <mark>z</mark>');
    expect(snippetToHtml(`stray ${c} close`)).toBe('stray  close');
  });
});

describe('normaliseQuery: what cannot be searched is stripped', () => {
  it('drops control characters and lone surrogate halves, keeps whole characters', () => {
    expect(normaliseQuery('a\u0000b')).toBe('ab');
    expect(normaliseQuery('\u0001apples\u007F\u0085 pears\u001F')).toBe('apples pears');
    expect(normaliseQuery('tab\there\nand\rthere')).toBe('tab here and there');
    expect(normaliseQuery('a\uD800b\uDC00c')).toBe('abc');
    expect(normaliseQuery('smile 😀')).toBe('smile 😀');
    expect(normaliseQuery('\uD83D')).toBe('');
  });

  it('keeps at most 200 characters of a 3,000-character query', () => {
    expect([...normaliseQuery('é'.repeat(3_000))]).toHaveLength(200);
  });
});
