/**
 * Retry timing for webhook deliveries (docs/architecture.md, Event flow).
 *
 * Backoff: exponential with FULL jitter, delay = random() × min(maxDelay, baseDelay × 2^(attempt−1)).
 * Full jitter spreads a burst of failures (a receiver outage hit by thousands of deliveries) over the
 * whole window and, per AWS's "Exponential Backoff and Jitter" study, does the least total work.
 * Decorrelated jitter would spread as well but needs the previous sleep as state; full jitter needs
 * only the attempt number, which BullMQ already stores with the job, so the schedule stays a pure
 * function of (attempt, schedule, random).
 *
 * A valid `Retry-After` (delay-seconds or HTTP-date, RFC 9110 §10.2.3) replaces the backoff, clamped
 * to [minRetryAfterMs, maxRetryAfterMs] so a receiver can neither hammer-loop us nor park a delivery
 * for days. An unparsable header is ignored and the backoff applies.
 */

/** A trigger's retry schedule; `retries` counts retries, so a delivery has at most retries + 1 attempts. */
export interface RetrySchedule {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly minRetryAfterMs: number;
  readonly maxRetryAfterMs: number;
}

/** Defaults: Space Cloud's 3 retries; first backoff window 5 s (Svix's first retry), capped at 1 h. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = Object.freeze({
  retries: 3,
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  minRetryAfterMs: 1_000,
  maxRetryAfterMs: 3_600_000,
});

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number; readonly basis: 'backoff' | 'retry-after' }
  | { readonly retry: false; readonly reason: 'retries-exhausted' };

export interface NextAttemptInput {
  /** 1-based number of the attempt that just failed (1 = the first delivery attempt). */
  readonly attempt: number;
  readonly schedule: RetrySchedule;
  /** Raw `Retry-After` response header, if any. */
  readonly retryAfterHeader?: string | undefined;
  /** Current time, epoch milliseconds (an HTTP-date Retry-After is relative to it). */
  readonly now: number;
  /** Uniform source in [0, 1), e.g. Math.random; injected so tests are deterministic. */
  readonly random: () => number;
}

/** Throws unless `value` is an integer within [min, max]. */
function assertInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** The default schedule with `overrides` applied, validated (non-negative integers, min <= max). */
export function retrySchedule(overrides: Partial<RetrySchedule> = {}): RetrySchedule {
  const schedule = { ...DEFAULT_RETRY_SCHEDULE, ...overrides };
  assertInteger('retries', schedule.retries, 0, 100);
  assertInteger('baseDelayMs', schedule.baseDelayMs, 0);
  assertInteger('maxDelayMs', schedule.maxDelayMs, schedule.baseDelayMs);
  assertInteger('minRetryAfterMs', schedule.minRetryAfterMs, 0);
  assertInteger('maxRetryAfterMs', schedule.maxRetryAfterMs, schedule.minRetryAfterMs);
  return Object.freeze(schedule);
}

/** Upper bound of the jittered delay after failed attempt `attempt`: min(max, base × 2^(attempt−1)). */
export function backoffCeiling(attempt: number, schedule: RetrySchedule): number {
  assertInteger('attempt', attempt, 1);
  return Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** Math.min(attempt - 1, 1023));
}

/** Clamps `value` into [min, max]. */
function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Decides whether and when to retry after failed attempt `attempt` (a retryable failure). */
export function nextAttemptDelay(input: NextAttemptInput): RetryDecision {
  const { attempt, schedule, retryAfterHeader, now, random } = input;
  const ceiling = backoffCeiling(attempt, schedule);
  if (attempt > schedule.retries) return { retry: false, reason: 'retries-exhausted' };
  const retryAfterMs = retryAfterHeader === undefined ? undefined : parseRetryAfter(retryAfterHeader, now);
  if (retryAfterMs !== undefined) {
    return {
      retry: true,
      delayMs: clamp(retryAfterMs, schedule.minRetryAfterMs, schedule.maxRetryAfterMs),
      basis: 'retry-after',
    };
  }
  const draw = random();
  if (!(draw >= 0 && draw < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${draw}`);
  return { retry: true, delayMs: Math.floor(draw * ceiling), basis: 'backoff' };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC_850 =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** Epoch ms of a UTC calendar time, or undefined when a field is out of range (e.g. 31 Feb). */
function utcTime(
  year: number,
  monthName: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  const month = MONTHS.indexOf(monthName);
  if (month < 0) return undefined;
  const time = Date.UTC(year, month, day, hour, minute, second);
  const check = new Date(time);
  const valid =
    check.getUTCFullYear() === year &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second &&
    check.getUTCMonth() === month;
  return valid ? time : undefined;
}

/**
 * Parses an HTTP-date in any of RFC 9110's three formats to epoch ms (TZ-independent); a two-digit
 * RFC 850 year is taken in the century that puts it no more than 50 years after `now`.
 */
export function parseHttpDate(value: string, now: number): number | undefined {
  const imf = IMF_FIXDATE.exec(value);
  if (imf) return utcTime(Number(imf[3]), imf[2]!, Number(imf[1]), Number(imf[4]), Number(imf[5]), Number(imf[6]));
  const rfc850 = RFC_850.exec(value);
  if (rfc850) {
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(rfc850[3]);
    if (year > currentYear + 50) year -= 100;
    return utcTime(year, rfc850[2]!, Number(rfc850[1]), Number(rfc850[4]), Number(rfc850[5]), Number(rfc850[6]));
  }
  const asctime = ASCTIME.exec(value);
  if (!asctime) return undefined;
  const [, month, day, hour, minute, second, year] = asctime.map(String);
  return utcTime(Number(year), month!, Number(day!.trim()), Number(hour), Number(minute), Number(second));
}

/** Delay in ms asked for by a `Retry-After` value (0 for a past date), or undefined if malformed. */
export function parseRetryAfter(header: string, now: number): number | undefined {
  const value = header.trim();
  if (/^\d+$/.test(value)) return Math.min(Number(value), Number.MAX_SAFE_INTEGER / 1000) * 1000;
  const at = parseHttpDate(value, now);
  return at === undefined ? undefined : Math.max(0, at - now);
}

/** What a delivery attempt's outcome means for the delivery and its trigger. */
export type ResponseClass = 'success' | 'retryable' | 'gone' | 'permanent';

/**
 * Classifies an attempt by HTTP status; `undefined` means no response (connection refused or reset,
 * DNS or TLS failure, timeout).
 * - success: 2xx.
 * - retryable: no response, 408, 425, 429, 5xx, and a status outside 100–599 (a broken response).
 * - gone: 410, the receiver says the endpoint is gone for good → the trigger is disabled.
 * - permanent: every other status (other 4xx, 3xx, 1xx) → failed at once, to the DLQ, no retry.
 * Svix and Hasura retry every non-2xx (3xx included) on their schedule; Svix disables an endpoint
 * only after days of failures. We stop early instead: the body and signature of a retry are
 * byte-identical, so a 400/401/403/404/422 or an unfollowed redirect would only repeat itself and
 * burn the retry budget; the operator replays from the DLQ once the receiver is fixed. 408/425/429
 * are the 4xx statuses that say "later" and are retried (honouring Retry-After, as Hasura does).
 */
export function classifyResponse(status: number | undefined): ResponseClass {
  if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) return 'retryable';
  if (status >= 200 && status <= 299) return 'success';
  if (status === 410) return 'gone';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retryable';
  return 'permanent';
}
