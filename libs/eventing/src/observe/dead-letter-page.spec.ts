import { describe, expect, it } from 'vitest';
import { deadLetterView, parseDeadLetterQuery } from './dead-letter-page';

describe('dead letter pages', () => {
  it('validates limit, trigger and cursor, naming the parameter', () => {
    expect(parseDeadLetterQuery({})).toEqual({ limit: 50 });
    expect(parseDeadLetterQuery({ limit: '2', trigger: 'hook', cursor: '1700000000000-3' })).toEqual({
      limit: 2,
      trigger: 'hook',
      cursor: '1700000000000-3',
    });
    for (const [query, field] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '501' }, 'limit'],
      [{ limit: 'x' }, 'limit'],
      [{ trigger: 'No Slug' }, 'trigger'],
      [{ cursor: '12' }, 'cursor'],
    ] as const) {
      expect(() => parseDeadLetterQuery(query)).toThrow(expect.objectContaining({ status: 400 }));
      try {
        parseDeadLetterQuery(query);
      } catch (error) {
        expect((error as { getResponse(): { message: string } }).getResponse().message).toMatch(
          new RegExp(`^${field}:`),
        );
      }
    }
  });

  it('shows ids, reason and status, never the payload', () => {
    const view = deadLetterView({
      id: '1-0',
      reason: 'gone',
      statusCode: 410,
      at: '2026-12-06T07:00:00.000Z',
      job: {
        project: 'shop',
        eventId: 'e1',
        triggerId: 'hook',
        deliveryId: 'd1',
        partition: 0,
        type: 'tick',
        payloadJson: '{"secret":"s"}',
        time: '2026-12-06T07:00:00.000Z',
        ordered: false,
      },
    });
    expect(view).toEqual({
      id: '1-0',
      eventId: 'e1',
      deliveryId: 'd1',
      trigger: 'hook',
      type: 'tick',
      reason: 'gone',
      statusCode: 410,
      at: '2026-12-06T07:00:00.000Z',
    });
  });
});
