import { emptySnapshot, projectSchema, triggerSchema } from '@spaceport/config-model';
import { describe, expect, it } from 'vitest';
import { projectSummaries } from './config-projects.controller';

const secrets = {
  webhook: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
  apiTokens: ['token-0123456789abcdefghijklmn'],
};
const project = (id: string) => projectSchema.parse({ id, name: id.toUpperCase(), secrets });
const trigger = (id: string, url: string, enabled = true) =>
  triggerSchema.parse({ id, type: 'order.paid', url, enabled, headers: { authorization: 'Bearer secret-value' } });

describe('projectSummaries', () => {
  it('lists projects and triggers sorted by id, without secrets, header values or URL credentials', () => {
    const snapshot = emptySnapshot(9);
    snapshot.projects['b'] = { version: 4, value: project('b'), triggers: {} };
    snapshot.projects['a'] = {
      version: 3,
      value: project('a'),
      triggers: {
        z: { version: 5, value: trigger('z', 'https://user:pw@hooks.example/z', false) },
        y: { version: 6, value: trigger('y', 'https://hooks.example/y') },
      },
    };
    const summaries = projectSummaries(snapshot);
    expect(summaries).toEqual([
      {
        id: 'a',
        name: 'A',
        version: 3,
        triggers: [
          { id: 'y', type: 'order.paid', url: 'https://hooks.example/y', enabled: true },
          { id: 'z', type: 'order.paid', url: 'https://redacted:redacted@hooks.example/z', enabled: false },
        ],
      },
      { id: 'b', name: 'B', version: 4, triggers: [] },
    ]);
    expect(JSON.stringify(summaries)).not.toMatch(/whsec_|token-0123|secret-value|pw@/);
  });
});
