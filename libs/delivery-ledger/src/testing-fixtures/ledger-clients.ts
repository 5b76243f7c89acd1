// Test helper (no vitest, no harness): real ioredis connections and ledgers on a fresh key prefix, so
// suites sharing one redis-server never see each other's keys.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { DeliveryLedger, type DeliveryLedgerOptions } from '../delivery-ledger';
import { ledgerKeyPrefix } from '../keys';
import type { Claim, ClaimResult } from '../types';

/** Short timings so TTL expiry fits in a test: claims must live > 100 + 50 ms. */
export const TEST_TIMING = { httpTimeoutMs: 100, safetyMarginMs: 50 } as const;

/** The claim of a `claimed` result; throws (failing the test) on any other. */
export function claimOf(result: ClaimResult): Claim {
  if (result.status !== 'claimed') throw new Error(`expected claimed, got ${JSON.stringify(result)}`);
  return result.claim;
}

export class LedgerClients {
  private readonly connections: Redis[] = [];
  /** a fresh cluster id: its ledger prefixes are `ledgerKeyPrefix(clusterId)` */
  readonly clusterId = `t-${randomUUID().slice(0, 8)}`;
  readonly keyPrefix = ledgerKeyPrefix(this.clusterId);

  constructor(private readonly url: string) {}

  /** A ledger on its own connection (a separate "worker process" as far as Redis can tell). */
  ledger(options: Partial<DeliveryLedgerOptions> = {}): DeliveryLedger {
    const connection = new Redis(this.url, { maxRetriesPerRequest: 20 });
    connection.on('error', () => undefined); // reconnects are expected around restarts
    this.connections.push(connection);
    return new DeliveryLedger(connection, { keyPrefix: this.keyPrefix, ...TEST_TIMING, ...options });
  }

  /** The raw connection of the first ledger, for assertions on keys and TTLs. */
  get raw(): Redis {
    const first = this.connections[0];
    if (!first) throw new Error('create a ledger first');
    return first;
  }

  close(): void {
    for (const connection of this.connections.splice(0)) connection.disconnect();
  }
}
