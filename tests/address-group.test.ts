import { describe, expect, it } from 'vitest';
import { addressGroup } from '../src/limits/address.js';

describe('addressGroup', () => {
  it('keeps IPv4 whole, and unwraps IPv4-mapped IPv6', () => {
    expect(addressGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups IPv6 by /64, however the address is written', () => {
    const group = '2001:0db8:0001:0002::/64';
    expect(addressGroup('2001:db8:1:2::1')).toBe(group);
    expect(addressGroup('2001:db8:1:2:ffff:eeee:dddd:cccc')).toBe(group);
    expect(addressGroup('2001:DB8:1:2:0:0:0:9')).toBe(group);
    expect(addressGroup('2001:db8:1:2::1%eth0')).toBe(group);
    expect(addressGroup('2001:db8:1:3::1')).not.toBe(group);
    expect(addressGroup('::1')).toBe('0000:0000:0000:0000::/64');
    expect(addressGroup('2001:db8::')).toBe('2001:0db8:0000:0000::/64');
  });

  it('passes anything else through unchanged', () => {
    expect(addressGroup('')).toBe('');
    expect(addressGroup('not an address')).toBe('not an address');
  });
});
