import { describe, expect, it } from 'vitest';
import { describeFindings, findPersonalData, ibanValid, luhnValid, mask, nhsNumberValid } from '../src/risk/personal-data.js';

const kinds = (text: string) => findPersonalData(text).map((f) => f.kind);

describe('findPersonalData: what it must find', () => {
  it.each([
    // email
    ['Write to jane.doe@example.org about it', 'email'],
    ['MAIL: J.Smith+school@Sub.Example.CO.UK.', 'email'],
    ['(contact: head_teacher@st-marys.sch.uk)', 'email'],
    // phone: international
    ['Call +44 20 7946 0958 today', 'phone'],
    ['ring +44 (0) 7700 900123', 'phone'],
    ['+1 (415) 555-2671 is the office', 'phone'],
    ['+33 1 23 45 67 89', 'phone'],
    ['+49 30 901820', 'phone'],
    ['+919876543210', 'phone'],
    ['Reach me: +1-415-555-2671', 'phone'],
    ['call 0033 1 23 45 67 89', 'phone'],
    ['tel 0049 30 901820', 'phone'],
    // phone: North American and national
    ['(415) 555-2671', 'phone'],
    ['415-555-2671', 'phone'],
    ['415.555.2671', 'phone'],
    ['mobile 07700 900123', 'phone'],
    ['020 7946 0958', 'phone'],
    ['01632 960123', 'phone'],
    ['01 23 45 67 89', 'phone'],
    ['call (020) 7946 0958', 'phone'],
    ['(01632) 960123 after six', 'phone'],
    ['tel: 2125551234', 'phone'],
    ['call me on 212 555 1234', 'phone'],
    ['Phone number: 0161 496 0000', 'phone'],
    // NHS number (943 476 5919 is the NHS's own example)
    ['NHS number 943 476 5919', 'nhs_number'],
    ['NHS No: 9434765919', 'nhs_number'],
    ['nhs: 943-476-5919', 'nhs_number'],
    ['her number is 943 476 5919.', 'nhs_number'],
    // SSN
    ['SSN 123-45-6789', 'ssn'],
    ['ssn: 536-90-4399', 'ssn'],
    // cards (Luhn-valid, real prefixes, not the published test numbers)
    ['card 4556 7375 8689 9855', 'card_number'],
    ['4556-7375-8689-9855', 'card_number'],
    ['4556737586899855', 'card_number'],
    ['5425 2334 3010 9903', 'card_number'],
    ['Amex 3456 789012 34564 please', 'card_number'],
    ['345678901234564', 'card_number'],
    // IBAN
    ['IBAN GB82 WEST 1234 5698 7654 32', 'iban'],
    ['GB82WEST12345698765432', 'iban'],
    ['DE89 3704 0044 0532 0130 00', 'iban'],
    ['FR14 2004 1010 0505 0001 3M02 606', 'iban'],
    ['NL91ABNA0417164300', 'iban'],
    // dates of birth
    ['DOB: 12/03/2014', 'date_of_birth'],
    ['D.O.B. 2014-03-12', 'date_of_birth'],
    ['date of birth 3 March 2014', 'date_of_birth'],
    ['He was born on 3rd March 2014.', 'date_of_birth'],
    ['born on March 3, 2014', 'date_of_birth'],
    ['Born: 03.12.2014', 'date_of_birth'],
    ['dob 3/12/14', 'date_of_birth'],
  ])('%j → %s', (text, kind) => {
    expect(kinds(text)).toEqual([kind]);
  });

  it('finds several in one text, in order, each once', () => {
    const text = 'Parent: ann@example.com, 07700 900123. Pupil DOB 01/02/2015, NHS 943 476 5919.';
    expect(kinds(text)).toEqual(['email', 'phone', 'date_of_birth', 'nhs_number']);
    expect(findPersonalData(text).map((f) => f.label)).toEqual(['an email address', 'a phone number', 'a date of birth', 'an NHS number']);
  });

  it('reports the same text written twice once, and an IBAN as an IBAN only', () => {
    expect(kinds('a@example.com and a@example.com')).toEqual(['email']);
    expect(kinds('Write to jane.doe@example.com or +49 170 1234567.')).toEqual(['email', 'phone']);
    expect(kinds('IBAN DE89 3704 0044 0532 0130 00')).toEqual(['iban']);
  });

  it('names what it found in one line, each kind once', () => {
    expect(describeFindings(findPersonalData('a@example.org b@example.org'))).toBe('an email address');
    expect(describeFindings(findPersonalData('a@example.org, 07700 900123, DOB 1/2/2015'))).toBe('an email address, a phone number and a date of birth');
    expect(describeFindings([])).toBe('');
  });

  it('masks what it reports', () => {
    const [card] = findPersonalData('card 4556 7375 8689 9855');
    expect(card).toEqual({ kind: 'card_number', label: 'a payment card number', match: '4••• •••• •••• ••55' });
    expect(findPersonalData('jane@example.org')[0]!.match).toBe('j•••@•••••••.•rg');
    // Whole only when asked (for the text's own author).
    expect(findPersonalData('Mail jane@example.org', 'whole')[0]!.match).toBe('jane@example.org');
    expect(mask('+44 20 7946 0958')).toBe('+4• •• •••• ••58');
  });
});

describe('findPersonalData: what it must leave alone', () => {
  it.each([
    // years, dates and times
    'In 2019, 2020 and 2021 we grew.',
    'From 1998-2004 and again 2010–2015.',
    'Term starts 2024-09-04 and ends 2025-07-22.',
    'On 12/03/2024 at 14:30 the bell rang.',
    'Published 3 March 2014 by the head.',
    'Stravinsky was born in 1882.',
    'Timestamp 1700000000 and 1700000000123 in the logs.',
    // prices and quantities
    'It costs £1,299.99 or $2,000,000.00 or €12.50.',
    'Budget: 1 234 567 euros; 10,000,000 visitors.',
    'Scores were 100 200 3000 and 250 300 4000.',
    'The ratio was +12.5% against -3.2%.',
    'Temperature +21 °C, pressure 1013 hPa.',
    // versions, ids and code
    'Upgrade to v1.2.3, 10.0.19041.1234 or node 20.11.0.',
    'Install react@18.2.0 and @types/node@20.19.43.',
    'git clone git@github.com:colloquy/colloquy.git',
    'Follow me at @alice@mastodon.social for updates.',
    'Commit 4e8ad91 fixed issue #12345; see RFC 4151 and ISO 8601.',
    'IP 192.168.1.254 and 10.0.0.1; port 3000.',
    'UUID 123e4567-e89b-12d3-a456-426614174000',
    'ISBN 978-0-306-40615-7 and ISBN-13 9780306406157',
    'Order 1234-5678 shipped; ref 12-3456-789.',
    // numbers that look like the checked kinds but fail their check
    'Card 4556 7375 8689 9856 (wrong Luhn).',
    'Test cards: 4242 4242 4242 4242, 4111 1111 1111 1111 and 3782 822463 10005.',
    'Zeros: 0000 0000 0000 0000.',
    'Bad IBAN GB82 WEST 1234 5698 7654 33 and DE00 0000 0000 0000 0000 00',
    'SSN-like 000-12-3456, 666-12-3456, 912-34-5678 and 123-00-4567.',
    'Number 943 476 5918 fails mod 11.',
    'Room 101, Form 7B, year 11 had 28 pupils.',
    'Born in March 2014, she loves maths.',
    'Our school was born on a Monday.',
    'Call me maybe; phone it in; text me later.',
    'A 10-digit serial 4567891234 without any context.',
    // a health or school blog's ordinary numbers
    'Blood pressure 120/80 mmHg, BMI 23.5, dose 500 mg twice daily, HbA1c 48 mmol/mol.',
    'ICD-10 code J45.909; SNOMED 195967001; call 999 or NHS 111.',
    'Our Ofsted URN is 123456 and DfE number 123/4567; student id 2019123456.',
    'Clinic hours 08:30-17:30, Mon-Fri. Room 2.14, Building 3.',
    'Use port 8080, or 127.0.0.1:3000, or http://localhost:5173/.',
    'Lat/long: 51.507351, -0.127758.',
    'Born on the fourth of July; born in the 1990s; DOB unknown.',
    'Tel Aviv 2024, Mobile World Congress 2025; calls last 3 600 seconds.',
    'Page 123-456-7890 is not a phone; ISBN 0-306-40615-2.',
    'Prices: £0.99, £10 000, 1 250 000 €, ¥12,345,678.',
    'Order #123456789012, order 00123456789 and ref 0012-34; bug #311439915949 fixed in 4.1.12.',
    'https://www.facebook.com/#!/group.php?gid=311439915949',
    'Meet at 10:30, room 0.12; the (2019) 1234 5678 report; (01) 23 45.',
    'Windows build 10.0.22631.3155 and Chrome 124.0.6367.119; SHA 4e8ad91f3c2b1a0d9e8f7a6b5c4d3e2f1a0b9c8d.',
  ])('%j', (text) => {
    expect(findPersonalData(text)).toEqual([]);
  });

  it('reads a long post full of numbers and finds nothing', () => {
    const post = `
# Release notes for 2024

Version 3.14.159 is out (up from 3.13.2). It needs Node 20.11.0 or 22.1.0 and
SQLite 3.45.1. The download is 12.4 MB, 8% smaller than 2023's 13.5 MB build.
Tickets cost £12.50 (students £7.50) and $15.00 online; 1,250 people came in 2023
and 1 450 in 2024. Doors open 19:30, 7.30pm, on 14/06/2024; the 2024-06-15 matinee
starts at 14:00. Grades 9-8-7 were common, and 3-2-1 was the countdown.
Our phone-free week ran 01-07 June. See https://example.org/2024/06/14/notes?id=5551234567
and commit a1b2c3d. Coordinates 51.5074, -0.1278. Chapter 11, verses 3-17.
`;
    expect(findPersonalData(post)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('Luhn, mod 11 and mod 97', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(nhsNumberValid('9434765919')).toBe(true);
    expect(nhsNumberValid('9434765918')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
  });
});

describe('hostile input', () => {
  // The bound only catches a hang (backtracking took minutes); speed is measured by `npm run bench`.
  it('reads 100,000 characters of digits, dots and at-signs without hanging', () => {
    for (const text of ['1'.repeat(100_000), '1 '.repeat(50_000), `${'a.'.repeat(50_000)}@`, ('x@' + 'a-'.repeat(40)).repeat(1000)]) {
      const started = performance.now();
      expect(findPersonalData(text)).toEqual([]);
      expect(performance.now() - started).toBeLessThan(10_000);
    }
  });
});

describe('UK home addresses: a postcode that an address leads up to', () => {
  it.each([
    '12 Abbey Road, London NW8 9AY',
    'Send it to 221b Baker Street, London NW1 6XE please.',
    'Her home: 7 Station Rd. Glasgow G1 1AA',
    'She lives at Flat 2, Mill House, Leeds LS1 4AP.',
    'My address is Rose Cottage, Bath BA1 1AA',
    'We live at the old forge, York yo1 7hh',
    '3 Elm Gardens, Hove BN3 1AB',
  ])('%j is held', (text) => {
    expect(kinds(text)).toEqual(['postal_address']);
    expect(findPersonalData(text)[0]!.label).toBe('a home address');
  });

  it.each([
    ['a postcode on its own', 'The surgery is at SW1A 1AA, by the park.'],
    ['a street without a house number', 'Abbey Road studios, NW8 9AY, are open.'],
    ['a house number without a street word', 'Room 12 at the Leeds office, LS1 4AP.'],
    ['the address in the sentence before', 'We met at 12 Abbey Road. NW8 9AY is a lovely area.'],
    ['the address more than 60 characters before', `12 Abbey Road is where we recorded the album, a long time ago, near NW8 9AY`],
    ['not a postcode', '12 Abbey Road, London, NW8'],
  ])('%s is published', (_why, text) => {
    expect(kinds(text)).toEqual([]);
  });
});

describe('NHS numbers: ten digits that pass the check, near a word of the trade', () => {
  it.each([
    'Patient 9434765919 was seen today',
    'GP ref 943 476 5919',
    'hospital records: 9434765919',
    '9434765919 is her clinic number',
    'Reference: 943 476 5919',
  ])('%j is held', (text) => {
    expect(kinds(text)).toEqual(['nhs_number']);
  });

  it.each([
    ['passes the check but no context word', 'Tracking 9434765919 arrived.'],
    ['printed 3-3-4 but no context word', 'Order 943 476 5919 shipped.'],
    ['context word more than 40 characters away', `Patient notes are kept for years and years and years. 9434765919`],
    ['fails the check, context word next to it', 'NHS number 943 476 5918; patient 9434765918'],
    ['a longer number', 'patient 94347659190'],
    ['"reference" inside another word', 'preferences 9434765919'],
  ])('%s: published', (_why, text) => {
    expect(kinds(text)).toEqual([]);
  });
});

describe('long texts are read to the end', () => {
  it('finds personal data after 10,000 and 100,000 characters of padding', () => {
    for (const pad of [' '.repeat(10_000), 'lorem ipsum '.repeat(10_000)]) {
      expect(kinds(`${pad}call me on 07700 900123`)).toEqual(['phone']);
      expect(kinds(`${pad}phone${' '.repeat(10_000)}x, write to ann@example.org`)).toEqual(['email']);
    }
  });

  it('finds a finding once wherever it falls against the windows it is read in', () => {
    for (let at = 5_000; at < 20_000; at += 97) {
      const text = `${'word '.repeat(at / 5)}${'x'.repeat(at % 5)} jane.doe@example.org and NHS 943 476 5919 `;
      expect(kinds(text), `at ${at}`).toEqual(['email', 'nhs_number']);
    }
  });
});
