// Every regular-expression literal in a TypeScript source, found by a small lexer that
// steps over comments, strings and template text, so that a pattern added anywhere in
// src/ is checked by tests/redos.test.ts without anyone remembering to list it.

export interface RegexLiteral {
  source: string;
  flags: string;
  line: number;
}

// After these a `/` starts a pattern; after a name, a number or a closing bracket it divides.
const BEFORE_PATTERN = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const KEYWORDS_BEFORE_PATTERN = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'void', 'yield', 'await']);

export function regexLiterals(code: string): RegexLiteral[] {
  const found: RegexLiteral[] = [];
  let previous = ''; // the last significant character, or a word
  // For each template literal we are inside the `${…}` of: how many braces are open there.
  const templates: number[] = [];
  let i = code.startsWith('#!') ? code.indexOf('\n') : 0;
  const lineAt = (at: number) => code.slice(0, at).split('\n').length;
  while (i !== -1 && i < code.length) {
    const ch = code[i]!;
    if (ch === '/' && code[i + 1] === '/') {
      i = code.indexOf('\n', i);
    } else if (ch === '/' && code[i + 1] === '*') {
      i = code.indexOf('*/', i + 2) + 2;
    } else if (ch === '"' || ch === "'") {
      i = skipQuoted(code, i);
      previous = 'string';
    } else if (ch === '`' || (ch === '}' && templates.at(-1) === 0)) {
      // Template text, up to its end or to the next `${`.
      if (ch === '}') templates.pop();
      i++;
      while (i < code.length && code[i] !== '`' && !(code[i] === '$' && code[i + 1] === '{')) i += code[i] === '\\' ? 2 : 1;
      if (code[i] === '$') {
        templates.push(0);
        i += 2;
        previous = '{';
      } else {
        i++;
        previous = 'string';
      }
    } else if (ch === '/' && (BEFORE_PATTERN.has(previous) || KEYWORDS_BEFORE_PATTERN.has(previous))) {
      const start = i;
      let inClass = false;
      i++;
      while (i < code.length && (code[i] !== '/' || inClass)) {
        if (code[i] === '\\') i++;
        else if (code[i] === '[') inClass = true;
        else if (code[i] === ']') inClass = false;
        i++;
      }
      const source = code.slice(start + 1, i);
      i++;
      let flags = '';
      while (/[a-z]/.test(code[i] ?? '')) flags += code[i++];
      found.push({ source, flags, line: lineAt(start) });
      previous = 'pattern';
    } else if (/\s/.test(ch)) {
      i++;
    } else if (/[\w$]/.test(ch)) {
      let end = i;
      while (end < code.length && /[\w$]/.test(code[end]!)) end++;
      previous = code.slice(i, end);
      i = end;
    } else {
      if (templates.length > 0 && ch === '{') templates[templates.length - 1]!++;
      if (templates.length > 0 && ch === '}') templates[templates.length - 1]!--;
      previous = ch;
      i++;
    }
  }
  return found;
}

function skipQuoted(code: string, start: number): number {
  let i = start + 1;
  while (i < code.length && code[i] !== code[start]) i += code[i] === '\\' ? 2 : 1;
  return i + 1;
}
