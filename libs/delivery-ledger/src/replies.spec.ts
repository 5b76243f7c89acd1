import { describe, expect, it } from 'vitest';
import {
  LedgerReplyError,
  parseBumpReply,
  parseClaimReply,
  parseRecordReply,
  parseReleaseReply,
  parseSentRecord,
} from './replies';

describe('script replies', () => {
  it('decodes bumpEpoch', () => {
    expect(parseBumpReply(['bumped', ''], 3)).toEqual({ status: 'bumped', epoch: 3, previous: null });
    expect(parseBumpReply(['bumped', '2'], 3)).toEqual({ status: 'bumped', epoch: 3, previous: 2 });
    expect(parseBumpReply(['unchanged', '3'], 3)).toEqual({ status: 'unchanged', epoch: 3 });
    expect(parseBumpReply(['stale', '4'], 3)).toEqual({ status: 'stale', requested: 3, current: 4 });
  });

  it('decodes claim', () => {
    expect(parseClaimReply(['claimed', '5000'], 3)).toEqual({ status: 'claimed', ttlMs: 5000 });
    expect(parseClaimReply(['already-sent', 'w1', '2'], 3)).toEqual({
      status: 'already-sent',
      sentBy: 'w1',
      sentEpoch: 2,
    });
    expect(parseClaimReply(['fenced', '4'], 3)).toEqual({ status: 'fenced', workerEpoch: 3, currentEpoch: 4 });
    expect(parseClaimReply(['fenced', ''], 3)).toEqual({ status: 'fenced', workerEpoch: 3, currentEpoch: null });
    expect(parseClaimReply(['in-flight-elsewhere', 'w2', '3', '812'], 3)).toEqual({
      status: 'in-flight-elsewhere',
      holder: { workerId: 'w2', epoch: 3, ttlMs: 812 },
    });
  });

  it('decodes recordSent and releaseClaim', () => {
    expect(parseRecordReply(['recorded', 'held'])).toEqual({ status: 'recorded', claimState: 'held' });
    expect(parseRecordReply(['already-recorded', 'taken', 'w2', '0'])).toEqual({
      status: 'already-recorded',
      claimState: 'taken',
      recordedBy: 'w2',
      sameClaim: false,
    });
    expect(parseRecordReply(['already-recorded', 'expired', 'w1', '1'])).toMatchObject({ sameClaim: true });
    expect(parseReleaseReply('released')).toBe('released');
    expect(parseReleaseReply('not-held')).toBe('not-held');
  });

  it('decodes sent records', () => {
    expect(parseSentRecord('d', {})).toBeNull();
    expect(
      parseSentRecord('d', { token: 't', worker: 'w', epoch: '4', status: '204', attempt: '', at: '1700000000000' }),
    ).toEqual({
      deliveryId: 'd',
      workerId: 'w',
      epoch: 4,
      statusCode: 204,
      attempt: null,
      recordedAt: 1_700_000_000_000,
    });
    expect(parseSentRecord('d', { worker: 'w', epoch: '4', status: '200', attempt: '2', at: '1' })).toMatchObject({
      attempt: 2,
    });
  });

  it('throws on anything else', () => {
    const bad: [(reply: unknown) => unknown, unknown][] = [
      [(r) => parseBumpReply(r, 1), ['bumped', 'x']],
      [(r) => parseBumpReply(r, 1), 'bumped'],
      [(r) => parseClaimReply(r, 1), ['nope']],
      [(r) => parseClaimReply(r, 1), ['claimed']],
      [(r) => parseClaimReply(r, 1), []],
      [(r) => parseClaimReply(r, 1), [1, 2]],
      [parseRecordReply, ['recorded', 'lost']],
      [parseRecordReply, ['already-recorded', 'held', 'w']],
      [parseReleaseReply, 1],
      [(r) => parseSentRecord('d', r as Record<string, string>), { epoch: '1' }],
    ];
    for (const [parse, reply] of bad) expect(() => parse(reply)).toThrow(LedgerReplyError);
  });
});
