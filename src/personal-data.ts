// Finds personal data in text people are about to publish (an email address, a phone
// number, a payment card or bank account number), as plain values, so a comment (or
// a post) can be held back for a person to look at before the world sees it.

export type PersonalDataKind = 'an email address' | 'a phone number' | 'a payment card number' | 'a bank account number (IBAN)';

const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;
// International (+…) or trunk-prefixed (0…) numbers with 9 to 15 digits in common groupings.
const PHONE = /(?:\+|\b0)\d(?:[\s().-]?\d){7,13}\b/g;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

const digitsOf = (s: string) => s.replace(/\D/g, '');

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
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
  for (const ch of rearranged) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** What kinds of personal data the text holds; empty when none. */
export function findPersonalData(text: string): PersonalDataKind[] {
  const found: PersonalDataKind[] = [];
  if (EMAIL.test(text)) found.push('an email address');
  const cards = [...text.matchAll(CARD)].map((m) => digitsOf(m[0])).filter((d) => d.length >= 13 && d.length <= 19 && luhn(d));
  if (cards.length > 0) found.push('a payment card number');
  if ([...text.matchAll(IBAN)].some((m) => ibanValid(m[0]))) found.push('a bank account number (IBAN)');
  const phones = [...text.matchAll(PHONE)].map((m) => digitsOf(m[0])).filter((d) => d.length >= 9 && d.length <= 15 && !cards.includes(d));
  if (phones.length > 0) found.push('a phone number');
  return found;
}
