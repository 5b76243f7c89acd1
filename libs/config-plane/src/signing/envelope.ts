import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type ConfigSigningKeys } from './signing-keys';

/** Domain labels: a signature made for one use is never valid for another. */
export const MESSAGE_LABEL = 'spaceport.config.message.v1';
export const STORED_COPY_LABEL = 'spaceport.config.last-good.v1';

/**
 * A signed config-plane message as it travels on Redis (JSON). `body` is the inner packet as a JSON string
 * (Nest's `{pattern, data, id}` or a reply), so the bytes signed are the bytes received. The channel is not
 * carried: the receiver signs over the channel it received the message on, so a message moved to another
 * channel fails. `origin` + `seq` number the sender's messages (one origin per sender connection).
 */
export interface SignedEnvelope {
  label: string;
  cluster: string;
  /** ms since the epoch, by the sender's clock */
  sentAt: number;
  origin: string;
  seq: number;
  nonce: string;
  /** a reply: the id of the request it answers; otherwise null */
  inReplyTo: string | null;
  body: string;
  /** HMAC-SHA256, base64url */
  sig: string;
}

export type UnsignedEnvelope = Omit<SignedEnvelope, 'sig'>;

/** Pure: the bytes an envelope's signature covers (channel included, though not carried). */
export function signedText(channel: string, envelope: UnsignedEnvelope): string {
  const { label, cluster, sentAt, origin, seq, nonce, inReplyTo, body } = envelope;
  return JSON.stringify([label, channel, cluster, sentAt, origin, seq, nonce, inReplyTo, body]);
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** Pure (but for the nonce given): signs with the current key. */
export function signEnvelope(key: Buffer, channel: string, envelope: UnsignedEnvelope): SignedEnvelope {
  return { ...envelope, sig: hmac(key, signedText(channel, envelope)).toString('base64url') };
}

export type EnvelopeProblem = 'unsigned' | 'bad-signature' | 'wrong-cluster';

/** Pure: the envelope in `raw` when it is well formed and signed by one of `keys` for `channel` and `label`. */
export function openEnvelope(
  keys: ConfigSigningKeys,
  label: string,
  cluster: string,
  channel: string,
  raw: string,
): { ok: true; envelope: SignedEnvelope } | { ok: false; reason: EnvelopeProblem } {
  const envelope = parseEnvelope(raw);
  if (!envelope || envelope.label !== label) return { ok: false, reason: 'unsigned' };
  const sig = Buffer.from(envelope.sig, 'base64url');
  const text = signedText(channel, envelope);
  const valid = [keys.current, keys.previous].some((key) => {
    if (!key) return false;
    const expected = hmac(key, text);
    return sig.length === expected.length && timingSafeEqual(sig, expected);
  });
  if (!valid) return { ok: false, reason: 'bad-signature' };
  // checked after the signature: an unsigned claim about the cluster says nothing
  if (envelope.cluster !== cluster) return { ok: false, reason: 'wrong-cluster' };
  return { ok: true, envelope };
}

function parseEnvelope(raw: string): SignedEnvelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const strings = ['label', 'cluster', 'origin', 'nonce', 'body', 'sig'].every((k) => typeof e[k] === 'string');
  const numbers = Number.isSafeInteger(e['sentAt']) && Number.isSafeInteger(e['seq']);
  const reply = e['inReplyTo'] === null || typeof e['inReplyTo'] === 'string';
  return strings && numbers && reply ? (value as SignedEnvelope) : undefined;
}
