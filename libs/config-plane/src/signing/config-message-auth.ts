import { randomBytes } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { type Logger } from 'pino';
import {
  type EnvelopeProblem,
  MESSAGE_LABEL,
  newNonce,
  openEnvelope,
  type SignedEnvelope,
  signEnvelope,
  STORED_COPY_LABEL,
} from './envelope';
import { ReplayGuard, type ReplayProblem } from './replay-guard';
import { type ConfigSigningKeys } from './signing-keys';

export type RejectionReason = EnvelopeProblem | ReplayProblem | 'malformed';

const REASONS: readonly RejectionReason[] = [
  'unsigned',
  'bad-signature',
  'wrong-cluster',
  'expired',
  'replayed',
  'old-sequence',
  'malformed',
];
export const REJECTED_METRIC = 'spaceport_config_messages_rejected_total';
/** A forger may send many: one log line per reason at most this often, with the count left out. */
const LOG_INTERVAL_MS = 10_000;

/** One sender (one Redis connection that publishes): its own origin, seq +1 per message. */
export class MessageSealer {
  private readonly origin = randomBytes(8).toString('base64url');
  private seq = 0;

  constructor(private readonly auth: ConfigMessageAuth) {}

  /** The signed envelope carrying `body` on `channel`; `inReplyTo`: the request a reply answers. */
  seal(channel: string, body: unknown, inReplyTo?: string): SignedEnvelope {
    this.seq += 1;
    return this.auth.sealWith(channel, { origin: this.origin, seq: this.seq }, JSON.stringify(body), inReplyTo);
  }
}

/**
 * Authenticates every config-plane message (docs/config-plane.md#authenticated-messages): HMAC-SHA256 with
 * the cluster key over label, channel, cluster, sentAt, origin, seq, nonce, inReplyTo and body; receivers
 * drop unsigned, forged, foreign, stale and replayed messages, log them (channel and reason, never content)
 * and count them in `spaceport_config_messages_rejected_total{reason}`. One per app.
 */
export class ConfigMessageAuth {
  private readonly guard = new ReplayGuard();
  private readonly rejected: Counter<'reason'> | undefined;
  private readonly lastLogged = new Map<RejectionReason, { at: number; suppressed: number }>();

  constructor(
    private readonly keys: ConfigSigningKeys,
    private readonly clusterId: string,
    private readonly logger: Logger,
    metrics: Registry | undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (!metrics) return;
    const existing = metrics.getSingleMetric(REJECTED_METRIC) as Counter<'reason'> | undefined;
    this.rejected =
      existing ??
      new Counter({
        name: REJECTED_METRIC,
        help: 'Config-plane messages dropped: unsigned, bad signature, another cluster, outside ±60 s, replayed, old sequence, malformed',
        labelNames: ['reason'],
        registers: [metrics],
      });
    for (const reason of REASONS) this.rejected.inc({ reason }, 0);
  }

  sealer(): MessageSealer {
    return new MessageSealer(this);
  }

  /** @internal MessageSealer's */
  sealWith(channel: string, sender: { origin: string; seq: number }, body: string, inReplyTo?: string): SignedEnvelope {
    return signEnvelope(this.keys.current, channel, {
      label: MESSAGE_LABEL,
      cluster: this.clusterId,
      sentAt: this.now(),
      ...sender,
      nonce: newNonce(),
      inReplyTo: inReplyTo ?? null,
      body,
    });
  }

  /**
   * The packet inside a message received on `channel`, or undefined when it must be dropped (then logged
   * and counted). `reply`: a reply must name the request it answers, and that is the id in its body.
   */
  open(channel: string, raw: string, reply = false): Record<string, unknown> | undefined {
    const opened = openEnvelope(this.keys, MESSAGE_LABEL, this.clusterId, channel, raw);
    if (!opened.ok) return this.reject(channel, opened.reason);
    const { envelope } = opened;
    const packet = parseObject(envelope.body);
    const answers = packet && reply ? envelope.inReplyTo !== null && packet['id'] === envelope.inReplyTo : true;
    if (!packet || !answers) return this.reject(channel, 'malformed');
    const stale = this.guard.check(envelope, this.now());
    if (stale) return this.reject(channel, stale);
    return packet;
  }

  /** A value kept in Redis (the last good config), signed so that nobody can plant one. */
  sealStored(key: string, body: string): string {
    return JSON.stringify(
      signEnvelope(this.keys.current, key, {
        label: STORED_COPY_LABEL,
        cluster: this.clusterId,
        sentAt: this.now(),
        origin: 'stored',
        seq: 0,
        nonce: newNonce(),
        inReplyTo: null,
        body,
      }),
    );
  }

  /** The body of a stored value, when it was signed by one of the keys for `key` (no age limit). */
  openStored(key: string, raw: string): string | undefined {
    const opened = openEnvelope(this.keys, STORED_COPY_LABEL, this.clusterId, key, raw);
    if (opened.ok) return opened.envelope.body;
    this.reject(key, opened.reason);
    return undefined;
  }

  private reject(channel: string, reason: RejectionReason): undefined {
    this.rejected?.inc({ reason });
    const now = this.now();
    const last = this.lastLogged.get(reason);
    if (last && now - last.at < LOG_INTERVAL_MS) {
      last.suppressed += 1;
      return undefined;
    }
    this.lastLogged.set(reason, { at: now, suppressed: 0 });
    this.logger.warn(
      { channel, reason, suppressedSinceLastLog: last?.suppressed ?? 0 },
      'config message rejected: not signed with the cluster key (CONFIG_SIGNING_KEY), or stale/replayed; dropped',
    );
    return undefined;
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
