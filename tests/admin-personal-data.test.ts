import { describe, expect, it } from 'vitest';
import { findPersonalData } from '../src/admin/personal-data.js';

describe('personal data finder', () => {
  it('finds emails, phones, cards, IBANs and SSNs', () => {
    const kinds = (text: string) => findPersonalData(text).map((f) => `${f.kind}=${f.text}`);
    expect(kinds('Write to jane.doe@example.com or +49 170 1234567.')).toEqual(['email address=jane.doe@example.com', 'phone number=+49 170 1234567']);
    expect(kinds('Call (555) 123-4567')).toEqual(['phone number=(555) 123-4567']);
    expect(kinds('Card 4111 1111 1111 1111')).toEqual(['payment card number=4111 1111 1111 1111']);
    expect(kinds('IBAN DE89 3704 0044 0532 0130 00')).toEqual(['IBAN=DE89 3704 0044 0532 0130 00']);
    expect(kinds('SSN 123-45-6789')).toEqual(['social security number=123-45-6789']);
  });

  it('leaves ordinary numbers alone', () => {
    for (const text of ['On 2024-01-15 at 10:30 we had 1,234,567 visitors.', 'Version 1.2.3 on port 3000', 'From 1999-2024, ISBN 978-3-16-148410-0', 'Order #123456789012', 'Card 4111 1111 1111 1112']) {
      expect(findPersonalData(text), text).toEqual([]);
    }
  });

  it('reports each finding once', () => {
    expect(findPersonalData('a@example.com and a@example.com')).toHaveLength(1);
  });
});
