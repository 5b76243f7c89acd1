import { hash, randomBytes as nodeRandomBytes } from 'node:crypto';

/**
 * Identifiers of events and deliveries.
 *
 * Event id: a ULID (https://github.com/ulid/spec): 48-bit Unix time in ms + 80 random bits, as 26
 * Crockford base32 characters, so ids sort lexicographically by creation time. Within one
 * millisecond the generator increments the previous id's random part (ULID monotonic mode), so ids
 * from one gateway are strictly increasing.
 *
 * Delivery id (= `webhook-id` and `Idempotency-Key`): `msg_` + Crockford base32 of the first 16 bytes
 * of SHA-256("spaceport.delivery.v1" 0x00 eventId 0x00 triggerId), 26 characters. It depends only
 * on (eventId, triggerId), so every retry and every worker that sends the delivery uses the same id.
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const MAX_TIME = 2 ** 48 - 1;
const RANDOM_BYTES = 10;
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** The integer that Crockford base32 `text` (upper case, at most 10 digits: 50 bits, exact in a double) denotes. */
function decodeBase32Number(text: string): number {
  let value = 0;
  for (const char of text) value = value * 32 + CROCKFORD.indexOf(char);
  return value;
}

/** Crockford base32 `text` + 1 with the same number of digits, or undefined when it overflows (all `Z`). */
function incrementBase32(text: string): string | undefined {
  for (let index = text.length - 1; index >= 0; index -= 1) {
    const digit = CROCKFORD.indexOf(text[index]!);
    if (digit < 31) return text.slice(0, index) + CROCKFORD[digit + 1]! + '0'.repeat(text.length - index - 1);
  }
  return undefined;
}

/**
 * Big-endian `bytes` as exactly `length` Crockford base32 digits (length × 5 ≥ bytes × 8; the
 * leading length × 5 − bytes × 8 bits are zeros): the base32 digits of the bytes' integer, computed
 * without BigInt (this runs on the hot path).
 */
function encodeBytesBase32(bytes: Uint8Array, length: number): string {
  let buffered = length * 5 - bytes.length * 8; // the leading zero bits, read before the first byte
  if (buffered < 0 || buffered >= 5 + 8)
    throw new RangeError(`${bytes.length} bytes do not fit ${length} base32 digits exactly`);
  let bits = 0;
  let text = '';
  for (const byte of bytes) {
    bits = (bits << 8) | byte;
    buffered += 8;
    while (buffered >= 5) {
      buffered -= 5;
      text += CROCKFORD[(bits >>> buffered) & 31];
    }
    bits &= (1 << buffered) - 1;
  }
  return text;
}

/** `timeMs` (< 2^48) as 6 big-endian bytes. */
function timeBytes(timeMs: number): Uint8Array {
  const bytes = new Uint8Array(6);
  let rest = timeMs;
  for (let index = 5; index >= 0; index -= 1) {
    bytes[index] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return bytes;
}

/** The ULID for Unix time `timeMs` and 10 bytes of `entropy`. */
export function eventIdAt(timeMs: number, entropy: Uint8Array): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > MAX_TIME) {
    throw new RangeError(`event id time must be an integer in [0, 2^48), got ${timeMs}`);
  }
  if (entropy.length !== RANDOM_BYTES)
    throw new RangeError(`event id needs ${RANDOM_BYTES} random bytes, got ${entropy.length}`);
  return encodeBytesBase32(timeBytes(timeMs), TIME_CHARS) + encodeBytesBase32(entropy, RANDOM_CHARS);
}

/** True when `id` is a well-formed event id (ULID, upper-case Crockford base32). */
export function isEventId(id: string): boolean {
  return ULID_PATTERN.test(id);
}

/** Unix time in ms encoded in event id `id`. */
export function eventIdTime(id: string): number {
  if (!isEventId(id)) throw new RangeError(`not an event id: ${JSON.stringify(id)}`);
  return decodeBase32Number(id.slice(0, TIME_CHARS));
}

/**
 * The next event id after `previous` (undefined for the first): a fresh ULID when `timeMs` is later
 * than previous's time, else previous + 1 in its random part (previous's time kept, or time + 1 ms
 * in the 2^-80 case the random part overflows), so the result is always > previous.
 */
export function nextEventId(previous: string | undefined, timeMs: number, entropy: Uint8Array): string {
  if (previous === undefined) return eventIdAt(timeMs, entropy);
  const previousTime = eventIdTime(previous);
  if (timeMs > previousTime) return eventIdAt(timeMs, entropy);
  const randomPart = incrementBase32(previous.slice(TIME_CHARS));
  if (randomPart !== undefined) return previous.slice(0, TIME_CHARS) + randomPart;
  return eventIdAt(previousTime + 1, new Uint8Array(RANDOM_BYTES));
}

/** CSPRNG bytes served from a 4 KiB pool refilled by node:crypto (one call per ~400 ids, not per id). */
function pooledRandomBytes(poolSize = 4_096): (size: number) => Uint8Array {
  let pool = nodeRandomBytes(poolSize);
  let offset = 0;
  return (size) => {
    if (size > poolSize) return nodeRandomBytes(size);
    if (offset + size > poolSize) {
      pool = nodeRandomBytes(poolSize);
      offset = 0;
    }
    offset += size;
    return pool.subarray(offset - size, offset);
  };
}

export interface EventIdSources {
  /** Unix time in ms; defaults to Date.now. */
  readonly now?: () => number;
  /** Random bytes; defaults to node:crypto's CSPRNG. */
  readonly randomBytes?: (size: number) => Uint8Array;
}

/**
 * A generator of strictly increasing event ids. The returned function is the one stateful piece here:
 * it remembers its last id (see {@link nextEventId}); clock and randomness are injectable.
 */
export function createEventIdGenerator(sources: EventIdSources = {}): () => string {
  const now = sources.now ?? Date.now;
  const randomBytes = sources.randomBytes ?? pooledRandomBytes();
  let last: string | undefined;
  return () => {
    last = nextEventId(last, now(), randomBytes(RANDOM_BYTES));
    return last;
  };
}

/** The delivery id (`webhook-id`) of trigger `triggerId` for event `eventId`; see the header. */
export function deliveryIdOf(eventId: string, triggerId: string): string {
  if (eventId.length === 0 || triggerId.length === 0) throw new RangeError('event id and trigger id must not be empty');
  if (eventId.includes('\0') || triggerId.includes('\0'))
    throw new RangeError('event id and trigger id must not contain NUL');
  const digest = hash('sha256', `spaceport.delivery.v1\0${eventId}\0${triggerId}`, 'buffer');
  return `msg_${encodeBytesBase32(digest.subarray(0, 16), 26)}`;
}
