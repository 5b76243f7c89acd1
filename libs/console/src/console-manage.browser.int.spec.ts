// The console manages projects, secrets and triggers, in real Chromium against the built apps in
// distributed mode: create a project (its signing secret shown once), edit its settings (secrets kept),
// rotate the signing secret (both sign), create an API token (shown once, works, revoked), create a
// trigger through the form (the API's message on the field), a 409 with Reload, a test event with its
// invocation, disable/enable, a trigger the data plane disabled after a 410 resumed, delete both.
// Screenshots: tmp/artifacts/console-manage.png, tmp/artifacts/console-trigger-form.png.
import { waitFor } from '@spaceport/testing';
import { type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, admin, poll, screenshot, signIn, useBrowserStack } from './testing-fixtures/browser-stack';

describe('console: projects, secrets and triggers (Chromium, built apps)', () => {
  const env = useBrowserStack('console-manage', (path) =>
    path.startsWith('/hooks/gone')
      ? { status: 410, body: 'gone' }
      : { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' },
  );
  let page: Page;
  let signingSecret = '';
  const receiverUrl = () => env.receiver.url;

  beforeAll(async () => {
    page = await env.newPage();
    await signIn(page, env.gateway, ADMIN);
  });

  const triggerRow = (id: string) => page.locator(`[data-testid="triggers"] tr[data-trigger="${id}"]`);
  const field = (form: string, name: string) => page.locator(`[data-testid="${form}"] [data-field="${name}"]`);

  it('creates a project: its signing secret is shown once, then it is selected', async () => {
    await page.getByTestId('new-project').click();
    await field('project-form', 'id').locator('input').fill('acme');
    await field('project-form', 'name').locator('input').fill('Acme');
    await page.getByTestId('save-project').click();
    const shown = page.getByTestId('shown-value');
    await expect.poll(() => shown.textContent(), poll).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    signingSecret = (await shown.textContent()) ?? '';
    await expect.poll(() => page.locator('[data-project="acme"]').getAttribute('aria-pressed'), poll).toBe('true');
    await expect.poll(() => page.getByTestId('project-name').textContent(), poll).toBe('Acme');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await shown.count()).toBe(0);
  });

  it('edits the settings; the stored secrets stay (the form sends none)', async () => {
    await page.getByTestId('edit-project').click();
    await field('project-form', 'name').locator('input').fill('Acme Corp');
    await field('project-form', 'maxPayloadBytes').locator('input').fill('0');
    await page.getByTestId('save-project').click();
    // the API's message on the field
    await expect
      .poll(() => field('project-form', 'maxPayloadBytes').getByTestId('field-error').textContent(), poll)
      .toBe('Number must be greater than or equal to 1');
    // the input is marked invalid with the message it shows (the API names the issue settings.maxPayloadBytes)
    expect(await field('project-form', 'maxPayloadBytes').locator('input').getAttribute('aria-invalid')).toBe('true');
    await field('project-form', 'maxPayloadBytes').locator('input').fill('65536');
    await page.getByTestId('save-project').click();
    await expect.poll(() => page.getByTestId('project-name').textContent(), poll).toBe('Acme Corp');
    const stored = await admin(env.gateway, 'GET', '/v1/config/projects/acme/secrets');
    expect((stored.body['result'] as { webhook: unknown[] }).webhook).toHaveLength(1);
    // keeping the stored secrets is a CAS on the version they were read at: a stale If-Match is a 409
    const stale = await admin(
      env.gateway,
      'POST',
      '/v1/config/projects/acme',
      { name: 'Stale' },
      `"${(stored.body['version'] as number) - 1}"`,
    );
    expect(stale.status).toBe(409);
    expect(stale.body['currentVersion']).toBe(stored.body['version']);
  });

  it('rotates the signing secret: the new one is shown once, both are listed and both sign', async () => {
    await page.getByTestId('rotate-secret').click();
    await expect.poll(() => page.getByTestId('shown-value').textContent(), poll).toMatch(/^whsec_/);
    const rotated = (await page.getByTestId('shown-value').textContent()) ?? '';
    expect(rotated).not.toBe(signingSecret);
    await expect.poll(() => page.locator('[data-testid="signing-secrets"] li').count(), poll).toBe(2);
    expect(await page.locator('[data-testid="signing-secrets"] li').first().textContent()).toContain('newest');
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('creates an API token (shown once, accepted by the queue API), then revokes it', async () => {
    await page.getByTestId('create-token').click();
    await expect.poll(() => page.getByTestId('shown-value').textContent(), poll).toMatch(/^spt_/);
    const token = (await page.getByTestId('shown-value').textContent()) ?? '';
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.locator('[data-testid="api-tokens"] li[data-token]').count(), poll).toBe(1);
    expect(await page.locator('[data-testid="api-tokens"] li[data-token]').textContent()).toContain('hashed');
    const queue = (t: string) =>
      fetch(`${env.gateway.url}/v1/api/acme/eventing/queue`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'nobody.listens', payload: {} }),
      });
    await waitFor(async () => (await queue(token)).status === 202, {
      what: 'the new token accepted',
      timeoutMs: 10_000,
    });
    await page.getByTestId('revoke-token').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.locator('[data-testid="api-tokens"] li[data-token]').count(), poll).toBe(0);
    await waitFor(async () => (await queue(token)).status === 401, {
      what: 'the revoked token refused',
      timeoutMs: 10_000,
    });
  });

  it('creates a trigger with the form; the API validation message shows on the field', async () => {
    await page.getByTestId('new-trigger').click();
    await field('trigger-form', 'id').locator('input').fill('paid');
    await field('trigger-form', 'type').locator('input').fill('order.paid');
    await field('trigger-form', 'url').locator('input').fill('ftp://example.test/hook');
    await field('trigger-form', 'retries').locator('input').fill('2');
    await field('trigger-form', 'maxDelayMs').locator('input').fill('5000');
    await field('trigger-form', 'baseDelayMs').locator('input').fill('200');
    await page.getByTestId('add-header').click();
    await page.getByTestId('header-name').fill('X-Api-Key');
    await page.getByTestId('header-value').fill('key-from-the-form');
    await field('trigger-form', 'filter').locator('textarea').fill('[{"path": "amount", "op": "gte", "value": 10}]');
    await page.getByTestId('save-trigger').click();
    await expect
      .poll(() => field('trigger-form', 'url').getByTestId('field-error').textContent(), poll)
      .toBe('must use http or https');
    await screenshot(page, 'console-trigger-form.png', { selector: '[data-testid="trigger-form"]' });
    await field('trigger-form', 'url').locator('input').fill(`${receiverUrl()}/hooks/paid`);
    await page.getByTestId('save-trigger').click();
    await expect.poll(() => triggerRow('paid').getByTestId('trigger-state').textContent(), poll).toBe('enabled');
    const stored = await admin(env.gateway, 'GET', '/v1/config/projects/acme/eventing/triggers/paid');
    expect(stored.body['result']).toMatchObject({
      type: 'order.paid',
      retries: 2,
      retrySchedule: { baseDelayMs: 200, maxDelayMs: 5000 },
      headers: { 'X-Api-Key': '[redacted]' },
      filter: [{ path: 'amount', op: 'gte', value: 10 }],
      ordered: false,
    });
  });

  it('a concurrent change is a 409 explained with a Reload that shows it; the header kept its value', async () => {
    await triggerRow('paid').getByTestId('edit-trigger').click();
    await expect.poll(() => page.getByTestId('header-value').inputValue(), poll).toBe('[redacted]');
    // someone else changes it meanwhile (the header sent back as [redacted] keeps its value)
    const current = await admin(env.gateway, 'GET', '/v1/config/projects/acme/eventing/triggers/paid');
    const changed = { ...(current.body['result'] as object), retries: 7 };
    expect((await admin(env.gateway, 'POST', '/v1/config/projects/acme/eventing/triggers/paid', changed)).status).toBe(
      200,
    );
    await field('trigger-form', 'timeout').locator('input').fill('3000');
    await page.getByTestId('save-trigger').click();
    await expect
      .poll(() => page.locator('[data-testid="trigger-form"] [data-testid="form-error"]').textContent(), poll)
      .toContain('Someone else changed this');
    await page.getByTestId('reload').click();
    await expect.poll(() => field('trigger-form', 'retries').locator('input').inputValue(), poll).toBe('7');
    await field('trigger-form', 'timeout').locator('input').fill('3000');
    await page.getByTestId('save-trigger').click();
    await expect.poll(() => page.getByTestId('trigger-form').count(), poll).toBe(0);
    const stored = await admin(env.gateway, 'GET', '/v1/config/projects/acme/eventing/triggers/paid');
    expect(stored.body['result']).toMatchObject({ retries: 7, timeout: 3000 });
  });

  it('"Send a test event" shows the invocation: status, latency, response; signed with both secrets', async () => {
    await triggerRow('paid').getByTestId('test-trigger').click();
    await page.getByTestId('send-test').click();
    await expect.poll(() => page.getByTestId('test-status').textContent(), poll).toBe('200');
    expect(await page.getByTestId('test-latency').textContent()).toMatch(/^\d+ ms$/);
    expect(await page.getByTestId('test-response').textContent()).toBe('{"ok":true}');
    const request = env.receiver.received.find((r) => r.path === '/hooks/paid');
    // the payload {test: true} passed although the filter wants amount >= 10: a test goes to this trigger only
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ type: 'order.paid', data: { test: true } });
    expect(request?.headers['x-api-key']).toBe('key-from-the-form');
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('disables and enables a trigger', async () => {
    await triggerRow('paid').getByTestId('toggle-trigger').click();
    await expect.poll(() => triggerRow('paid').getByTestId('trigger-state').textContent(), poll).toBe('disabled');
    await triggerRow('paid').getByTestId('toggle-trigger').click();
    await expect.poll(() => triggerRow('paid').getByTestId('trigger-state').textContent(), poll).toBe('enabled');
  });

  it('a trigger the data plane disabled after a 410 shows why, and Resume re-queues what it held', async () => {
    const body = { type: 'order.gone', url: `${receiverUrl()}/hooks/gone` };
    expect((await admin(env.gateway, 'POST', '/v1/config/projects/acme/eventing/triggers/gone', body)).status).toBe(
      200,
    );
    await expect.poll(() => triggerRow('gone').getByTestId('test-trigger').isEnabled(), poll).toBe(true);
    await triggerRow('gone').getByTestId('test-trigger').click();
    await page.getByTestId('send-test').click();
    await expect.poll(() => page.getByTestId('test-status').textContent(), poll).toBe('410');
    await expect
      .poll(() => triggerRow('gone').getByTestId('trigger-state').textContent(), poll)
      .toMatch(/^paused: gone \(410\) since \d{4}-\d\d-\d\d /);
    await screenshot(page, 'console-manage.png');
    await triggerRow('gone').getByTestId('resume-trigger').click();
    await expect
      .poll(() => page.getByTestId('trigger-note').textContent(), poll)
      .toMatch(/Trigger gone resumed; \d+ held deliver/);
  });

  it('deletes a trigger and the project (after typing its id)', async () => {
    await triggerRow('gone').getByTestId('delete-trigger').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => triggerRow('gone').count(), poll).toBe(0);
    await page.getByTestId('delete-project').click();
    expect(await page.getByTestId('confirm-ok').isDisabled()).toBe(true);
    await page.getByTestId('confirm-text').fill('acm');
    expect(await page.getByTestId('confirm-ok').isDisabled()).toBe(true);
    await page.getByTestId('confirm-text').fill('acme');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.locator('[data-project="acme"]').count(), poll).toBe(0);
    expect((await admin(env.gateway, 'GET', '/v1/config/projects/acme')).status).toBe(404);
    expect(env.pageErrors).toEqual([]);
  });
});
