import { describe, expect, it } from 'vitest';
import { refusedWebhookTarget, ssrfPolicy, unmapIpv4 } from './ssrf';

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

describe('refusedWebhookTarget (config time)', () => {
  const strict = ssrfPolicy({ allowPrivate: false, allowedCidrs: [] });
  const resolver =
    (table: Record<string, string[]>) =>
    async (host: string): Promise<readonly string[]> => {
      const addresses = table[host];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return addresses;
    };
  const dns = resolver({ 'hooks.example.com': ['93.184.216.34'], 'rebind.example.com': ['93.184.216.34', '10.0.0.7'] });

  it('refuses an address literal or a name resolving to a refused address, naming the address', async () => {
    expect((await refusedWebhookTarget('http://169.254.169.254/latest', strict, dns))?.message).toMatch(
      /169\.254\.169\.254 is not a public address/,
    );
    expect((await refusedWebhookTarget('https://[::1]:8443/x', strict, dns))?.address).toBe('::1');
    const mixed = await refusedWebhookTarget('https://rebind.example.com/x', strict, dns);
    expect(mixed?.message).toMatch(/rebind\.example\.com resolves to a non-public address \(10\.0\.0\.7\)/);
  });

  it('lets public, allowlisted and unresolvable hosts pass', async () => {
    expect(await refusedWebhookTarget('https://hooks.example.com/x', strict, dns)).toBeUndefined();
    expect(await refusedWebhookTarget('https://nowhere.example.com/x', strict, dns)).toBeUndefined();
    const allowlisted = ssrfPolicy({ allowPrivate: false, allowedCidrs: ['10.0.0.0/8'] });
    expect(await refusedWebhookTarget('https://rebind.example.com/x', allowlisted, dns)).toBeUndefined();
    const off = ssrfPolicy({ allowPrivate: true, allowedCidrs: [] });
    expect(await refusedWebhookTarget('http://127.0.0.1:9/x', off, dns)).toBeUndefined();
  });
});
