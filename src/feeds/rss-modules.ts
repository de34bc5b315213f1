// The RSS modules WordPress's feeds use (Dublin Core, Well-Formed Web, Slash), as `feed`
// package item extensions. The package declares on <rss> only the namespaces it writes
// itself and has no way to add one there, so each element carries its own declaration:
// XML Namespaces allows it, every namespace-aware reader resolves it, and nothing has to
// edit the package's serialised output.
import type { Extension } from 'feed';
import { textNode } from './xml.js';

const NAMESPACES = {
  dc: 'http://purl.org/dc/elements/1.1/',
  wfw: 'http://wellformedweb.org/CommentAPI/',
  slash: 'http://purl.org/rss/1.0/modules/slash/',
} as const;

/** `<prefix:name xmlns:prefix="…">text</prefix:name>`, the text escaped. */
export function moduleElement(prefix: keyof typeof NAMESPACES, name: string, text: string): Extension {
  return { name: `${prefix}:${name}`, objects: { _attributes: { [`xmlns:${prefix}`]: NAMESPACES[prefix] }, _text: textNode(text) } };
}
