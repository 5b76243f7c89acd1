import { describe, expect, it } from 'vitest';
import { ssrfPolicy, unmapIpv4 } from './ssrf';

describe('SSRF policy', () => {
  const strict = ssrfPolicy({ allowPrivate: false, allowedCidrs: [] });
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '224.0.0.1',
  ])('refuses %s', (address) => expect(strict.allows(address)).toBe(false));
  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'])('allows public %s', (address) =>
    expect(strict.allows(address)).toBe(true),
  );

  it('honours the CIDR allowlist and the global switch', () => {
    const allowlisted = ssrfPolicy({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32', '10.1.0.0/16'] });
    expect(allowlisted.allows('127.0.0.1')).toBe(true);
    expect(allowlisted.allows('127.0.0.2')).toBe(false);
    expect(allowlisted.allows('10.1.200.3')).toBe(true);
    expect(ssrfPolicy({ allowPrivate: true, allowedCidrs: [] }).allows('10.0.0.1')).toBe(true);
    expect(() => ssrfPolicy({ allowPrivate: false, allowedCidrs: ['10.0.0.0'] })).toThrow(/CIDR/);
    expect(unmapIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });
});
