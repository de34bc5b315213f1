import { describe, expect, it } from 'vitest';
import { findPersonalData } from '../src/personal-data.js';

describe('findPersonalData', () => {
  it('finds email addresses, phone numbers, card numbers and IBANs', () => {
    expect(findPersonalData('write to jane.doe@example.org please')).toEqual(['an email address']);
    expect(findPersonalData('call me on +44 20 7946 0958')).toEqual(['a phone number']);
    expect(findPersonalData('ring 020 7946 0958 tonight')).toEqual(['a phone number']);
    expect(findPersonalData('my card 4111 1111 1111 1111 exp 12/29')).toEqual(['a payment card number']);
    expect(findPersonalData('IBAN GB82 WEST 1234 5698 7654 32')).toEqual(['a bank account number (IBAN)']);
  });

  it('leaves ordinary numbers and text alone', () => {
    for (const text of [
      'In 1999, 2000 and 2010 we had 100% uptime.',
      'Version 4.1.12 fixed bug #311439915949.',
      'https://www.facebook.com/#!/group.php?gid=311439915949',
      'The number 4111 1111 1111 1112 fails its check digit.',
      'GB82 WEST 1234 5698 7654 33 is not a real IBAN',
      'Meet at 10:30, room 0.12.',
    ]) {
      expect(findPersonalData(text), text).toEqual([]);
    }
  });
});
