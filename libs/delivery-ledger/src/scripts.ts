/**
 * The Lua scripts of the ledger. Each runs atomically in Redis; every key it touches is passed in
 * KEYS and shares the prefix's hash tag (one slot). Replies are flat arrays of strings, decoded by
 * replies.ts. Times come from the client (ARGV) so the scripts stay deterministic.
 */

/** KEYS: epoch. ARGV: generation. Never lowers the epoch. */
export const BUMP_EPOCH_LUA = `
local current = redis.call('GET', KEYS[1])
if current then
  local have, want = tonumber(current), tonumber(ARGV[1])
  if want < have then return {'stale', current} end
  if want == have then return {'unchanged', current} end
end
redis.call('SET', KEYS[1], ARGV[1])
return {'bumped', current or ''}
`;

/**
 * KEYS: sent, claim, epoch. ARGV: token, workerId, epoch, ttlMs, partition, nowMs.
 * Order: already sent > fenced > held elsewhere > claim. A replay of the same token (a client retry
 * after a lost reply) finds its own claim and answers `claimed` again.
 */
export const CLAIM_LUA = `
local sent = redis.call('HMGET', KEYS[1], 'worker', 'epoch')
if sent[1] then return {'already-sent', sent[1], sent[2]} end
local current = redis.call('GET', KEYS[3])
if (not current) or tonumber(current) ~= tonumber(ARGV[3]) then return {'fenced', current or ''} end
local holder = redis.call('HMGET', KEYS[2], 'token', 'worker', 'epoch')
if holder[1] then
  local ttl = tostring(redis.call('PTTL', KEYS[2]))
  if holder[1] == ARGV[1] then return {'claimed', ttl} end
  return {'in-flight-elsewhere', holder[2], holder[3], ttl}
end
redis.call('HSET', KEYS[2], 'token', ARGV[1], 'worker', ARGV[2], 'epoch', ARGV[3], 'partition', ARGV[5], 'at', ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {'claimed', ARGV[4]}
`;

/**
 * KEYS: sent, claim. ARGV: token, epoch, retentionMs, nowMs, workerId, statusCode, attempt.
 * Records the send unless already recorded, whatever became of the claim (the 2xx happened); releases
 * the claim only when it is still the caller's.
 */
export const RECORD_SENT_LUA = `
local holder = redis.call('HGET', KEYS[2], 'token')
local state = 'expired'
if holder == ARGV[1] then
  state = 'held'
  redis.call('DEL', KEYS[2])
elseif holder then
  state = 'taken'
end
local sent = redis.call('HMGET', KEYS[1], 'token', 'worker')
if sent[1] then
  local same = '0'
  if sent[1] == ARGV[1] then same = '1' end
  return {'already-recorded', state, sent[2], same}
end
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'worker', ARGV[5], 'epoch', ARGV[2], 'status', ARGV[6], 'attempt', ARGV[7], 'at', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'recorded', state}
`;

/** KEYS and ARGV counts of RECORD_SENT_LUA (a follow-up's start right after them). */
export const RECORD_SENT_ARITY = { keys: 2, args: 7 } as const;

/** KEYS: claim. ARGV: token. Compare-and-delete. */
export const RELEASE_CLAIM_LUA = `
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 'released'
end
return 'not-held'
`;

/** KEYS and ARGV counts of RELEASE_CLAIM_LUA. */
export const RELEASE_CLAIM_ARITY = { keys: 1, args: 1 } as const;

/**
 * `ledgerLua`, then a caller's `followUpLua`, in one script (one command, one round trip). Each body
 * runs as a function whose parameters KEYS and ARGV shadow Redis's globals, so each reads only its
 * own part of the call's keys and arguments (the ledger's `arity` first, then the follow-up's), as it
 * would in a script of its own; the ledger's reply is the reply. The follow-up runs whatever the ledger
 * answered. Redis does not roll back a script: a follow-up that errors fails the command after the
 * ledger's write stayed, as the second of two commands would.
 */
export function withFollowUp(
  ledgerLua: string,
  arity: { readonly keys: number; readonly args: number },
  followUpLua: string,
): string {
  return `
local function slice(list, from)
  local out = {}
  for i = from, #list do out[#out + 1] = list[i] end
  return out
end
local function head(list, count)
  local out = {}
  for i = 1, count do out[i] = list[i] end
  return out
end
local function ledger(KEYS, ARGV)
${ledgerLua}
end
local function follow_up(KEYS, ARGV)
${followUpLua}
end
local reply = ledger(head(KEYS, ${arity.keys}), head(ARGV, ${arity.args}))
follow_up(slice(KEYS, ${arity.keys + 1}), slice(ARGV, ${arity.args + 1}))
return reply
`;
}

/** ioredis command names, versioned so a changed script never collides with an old definition. */
export const COMMANDS = {
  bumpEpoch: { name: 'spaceportLedgerBumpEpochV1', numberOfKeys: 1, lua: BUMP_EPOCH_LUA },
  claim: { name: 'spaceportLedgerClaimV1', numberOfKeys: 3, lua: CLAIM_LUA },
  recordSent: { name: 'spaceportLedgerRecordSentV1', numberOfKeys: 2, lua: RECORD_SENT_LUA },
  releaseClaim: { name: 'spaceportLedgerReleaseClaimV1', numberOfKeys: 1, lua: RELEASE_CLAIM_LUA },
} as const;
