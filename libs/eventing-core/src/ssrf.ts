import { BlockList, isIP } from 'node:net';

/**
 * SSRF guard for webhook targets: refuses loopback, private, link-local (cloud metadata included),
 * CGNAT, multicast, reserved and unspecified addresses, unless allowlisted (`WEBHOOK_ALLOWED_CIDRS`)
 * or the guard is off (`WEBHOOK_ALLOW_PRIVATE=true`). IPv4-mapped IPv6 addresses are checked as IPv4.
 * One module for both checks: at config time (`refusedWebhookTarget`, the config API) and at delivery
 * time (every connection's DNS answer, against DNS rebinding).
 */

const BLOCKED_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const BLOCKED_V6 = [
  '::/128',
  '::1/128',
  '64:ff9b::/96',
  '100::/64',
  '2001:db8::/32',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
];

export interface SsrfPolicy {
  /** true when `address` (an IP literal) may be connected to */
  allows(address: string): boolean;
}

/** Parses `a.b.c.d/n` or `v6/n` into a BlockList subnet; throws RangeError naming the bad entry. */
function addCidr(list: BlockList, cidr: string): void {
  const [address, bits, extra] = cidr.split('/');
  const family = address === undefined ? 0 : isIP(address);
  const prefix = Number(bits);
  const max = family === 4 ? 32 : 128;
  if (
    family === 0 ||
    extra !== undefined ||
    bits === undefined ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > max
  ) {
    throw new RangeError(`not a CIDR: ${JSON.stringify(cidr)}`);
  }
  list.addSubnet(address!, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) addCidr(list, cidr);
  return list;
}

/** `::ffff:a.b.c.d` (and its hex form) → `a.b.c.d`; anything else unchanged. */
export function unmapIpv4(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return address;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Addresses whose verdict is remembered (receivers are few; a flood of new ones just clears it). */
const SSRF_MEMO_ENTRIES = 1_024;

/** The settings of the guard (`WEBHOOK_ALLOW_PRIVATE`, `WEBHOOK_ALLOWED_CIDRS`). */
export interface SsrfPolicyOptions {
  readonly allowPrivate: boolean;
  readonly allowedCidrs: readonly string[];
}

export function ssrfPolicy(options: SsrfPolicyOptions): SsrfPolicy {
  const blocked = blockListOf([...BLOCKED_V4, ...BLOCKED_V6]);
  const allowed = blockListOf(options.allowedCidrs);
  const decide = (raw: string): boolean => {
    const address = unmapIpv4(raw.replace(/^\[|\]$/g, ''));
    const family = isIP(address);
    if (family === 0) return false;
    if (options.allowPrivate) return true;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    return allowed.check(address, type) || !blocked.check(address, type);
  };
  // the policy is fixed for the process, so decisions are memoised (bounded: cleared when full)
  const decided = new Map<string, boolean>();
  return {
    allows(raw: string): boolean {
      let verdict = decided.get(raw);
      if (verdict === undefined) {
        verdict = decide(raw);
        if (decided.size >= SSRF_MEMO_ENTRIES) decided.clear();
        decided.set(raw, verdict);
      }
      return verdict;
    },
  };
}

export class SsrfRefusedError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      host === address
        ? `refused by the SSRF guard: ${address} is not a public address; allow it with WEBHOOK_ALLOWED_CIDRS`
        : `refused by the SSRF guard: ${host} resolves to a non-public address (${address}); allow it with WEBHOOK_ALLOWED_CIDRS`,
    );
    this.name = 'SsrfRefusedError';
  }
}

/** Every address a host name resolves to (the caller's resolver: DNS is I/O, this module is pure). */
export type HostResolver = (host: string) => Promise<readonly string[]>;

/**
 * The config-time check of a webhook URL: the refusal for its host when it is, or resolves to, an
 * address the policy refuses; undefined when allowed. A name that does not resolve now (or whose
 * resolver fails) passes: the receiver may not exist yet, and the delivery-time check stays.
 */
export async function refusedWebhookTarget(
  url: string,
  policy: SsrfPolicy,
  resolve: HostResolver,
): Promise<SsrfRefusedError | undefined> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined; // the URL schema reports it
  }
  if (isIP(host) !== 0) return policy.allows(host) ? undefined : new SsrfRefusedError(host, host);
  const addresses = await resolve(host).catch((): readonly string[] => []);
  const denied = addresses.find((address) => !policy.allows(address));
  return denied === undefined ? undefined : new SsrfRefusedError(host, denied);
}
