// Text made safe for XML documents we write by hand or through the feed package:
// the characters XML 1.0 forbids removed, the five special ones escaped.

// Control characters (other than tab, newline and carriage return), lone surrogates
// and U+FFFE/U+FFFF make a document not well-formed, whatever is escaped around them.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes the characters XML 1.0 cannot hold at all. */
export function xmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

/** Text or attribute content, escaped. */
export function escapeXml(text: string): string {
  return xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A CDATA section holding exactly `text`: every `]]>` is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${xmlChars(text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

// The feed package hands strings to xml-js, which has two quirks worked around here:
// text nodes first turn "&amp;" back into "&" before escaping (so a literal "&amp;"
// would be lost), and CDATA only splits the first "]]>".
/** A value xml-js will write as an escaped text node. */
export const textNode = (text: string): string => xmlChars(text).replace(/&/g, '&amp;');
/** HTML for a CDATA section: `]]&gt;` means the same in HTML and cannot end the section. */
export const htmlNode = (html: string): string => xmlChars(html).replace(/]]>/g, ']]&gt;');
