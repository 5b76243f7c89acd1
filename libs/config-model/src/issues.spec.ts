// The API's validation texts on zod 4, pinned where zod 4 would otherwise say less or say it otherwise
// than the API always has (zod 3's words; every issue, not just the first of a field's checks).
import { describe, expect, it } from 'vitest';
import { eventingSettingsSchema } from './eventing';
import { triggerHeadersSchema } from './headers';
import { safeParseFields } from './issues';
import { projectBodySchema } from './project';
import { projectSecretsSchema } from './secrets';
import { triggerBodySchema } from './trigger';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const issuesOf = (result: ReturnType<typeof safeParseFields>) => (result.success ? [] : result.issues);

describe('safeParseFields', () => {
  it("says 'float' only where an integer is expected", () => {
    const trigger = { type: 'a', url: 'https://x.example' };
    expect(issuesOf(safeParseFields(triggerBodySchema, { ...trigger, retries: 1.5 }))).toEqual([
      { field: 'retries', message: 'expected integer, received float' },
    ]);
    expect(issuesOf(safeParseFields(projectBodySchema, { name: 1.5, secrets: { webhook: [SECRET] } }))).toEqual([
      { field: 'name', message: 'expected string, received number' },
    ]);
  });

  it('names a filter condition field by its whole path', () => {
    const trigger = { type: 'a', url: 'https://x.example', filter: [{ path: 'a..b', op: 'eq', value: 1 }] };
    expect(issuesOf(safeParseFields(triggerBodySchema, trigger))).toEqual([
      { field: 'filter.0.path', message: 'must be a dotted path with non-empty segments, e.g. "order.status"' },
    ]);
  });

  it("gives a field's real bound, not zod 4's extra safe-integer bound beside it", () => {
    expect(issuesOf(safeParseFields(eventingSettingsSchema, { partitionCount: 1e20 }))).toEqual([
      { field: 'partitionCount', message: 'Number must be less than or equal to 1024' },
    ]);
  });

  it('still lists a duplicate header beside a reserved one', () => {
    const headers = { 'webhook-id': 'x', 'X-A': '1', 'x-a': '2' };
    expect(issuesOf(safeParseFields(triggerHeadersSchema, headers))).toEqual([
      { field: 'webhook-id', message: 'header "webhook-id" is set by Spaceport and cannot be overridden' },
      { field: 'x-a', message: 'header "x-a" is given more than once (names are case-insensitive)' },
    ]);
  });

  it('still says secrets must be distinct when there are too many of them', () => {
    expect(issuesOf(safeParseFields(projectSecretsSchema, { webhook: Array(11).fill(SECRET) }))).toEqual([
      { field: 'webhook', message: 'signing secrets must be distinct' },
      { field: 'webhook', message: 'Array must contain at most 10 element(s)' },
    ]);
  });
});
