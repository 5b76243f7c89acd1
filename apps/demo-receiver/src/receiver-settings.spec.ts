import { generateWebhookSecret } from '@spaceport/eventing-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECEIVER_PORT, parseReceiverSettings, ReceiverSettingsError } from './receiver-settings';

describe('parseReceiverSettings', () => {
  it('has defaults: port 4120 on all interfaces, no signature check, keep 100, no failures', () => {
    expect(parseReceiverSettings({})).toEqual({
      host: '0.0.0.0',
      port: DEFAULT_RECEIVER_PORT,
      secrets: [],
      keep: 100,
      failRate: 0,
    });
  });

  it('reads comma-separated secrets and the numbers', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    const settings = parseReceiverSettings({
      WEBHOOK_SECRET: ` ${a}, ${b} `,
      PORT: '9000',
      HOST: '127.0.0.1',
      RECEIVER_KEEP: '5',
      FAIL_RATE: '0.25',
    });
    expect(settings).toEqual({ host: '127.0.0.1', port: 9000, secrets: [a, b], keep: 5, failRate: 0.25 });
  });

  it.each([
    [{ PORT: '70000' }, /^PORT: expected an integer/],
    [{ RECEIVER_KEEP: '0' }, /^RECEIVER_KEEP: /],
    [{ FAIL_RATE: '1.5' }, /^FAIL_RATE: expected a number in \[0, 1\]/],
    [{ WEBHOOK_SECRET: 'not-a-secret' }, /^WEBHOOK_SECRET: webhook secret must start with "whsec_"/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => parseReceiverSettings(env)).toThrow(ReceiverSettingsError);
    expect(() => parseReceiverSettings(env)).toThrow(message);
  });

  it('never puts a malformed secret in the message', () => {
    const secret = 'whsec_short';
    expect(() => parseReceiverSettings({ WEBHOOK_SECRET: secret })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('short') }),
    );
  });
});
