// A project's triggers: state (config and data plane), create/edit (trigger-form.js), enable/disable,
// resume after a 410, delete, and "Send a test event" with the invocation it produced.
import { api, dateTime, eventingPath, projectPath } from './api.js';
import { html, useEffect, useState } from './htm-preact.js';
import { TriggerForm } from './trigger-form.js';
import { badge, ChangeButton, Confirm, Notice, useReadOnly } from './ui.js';

const TEST_WAIT_MS = 15000;

function stateBadge(trigger, live) {
  if (!trigger.enabled) return badge('disabled', 'disabled');
  if (live && live.disabled) {
    const d = live.disabled;
    const why = d.reason === 'gone' ? `gone${d.statusCode ? ` (${d.statusCode})` : ''}` : 'too many failures';
    return html`${badge(`paused: ${why}`, 'paused')} <small class="muted">since ${dateTime(d.at)}</small>`;
  }
  return badge('enabled', 'enabled');
}

/** Queues a test event for one trigger and shows its first invocation once the worker made it. */
function TestEvent({ project, trigger, onClose }) {
  const [payload, setPayload] = useState('{"test": true}');
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      const body = { payload: JSON.parse(payload) };
      const queued = await api(`${eventingPath(project)}/triggers/${trigger}/test`, { method: 'POST', body });
      setResult({ eventId: queued.eventId, waiting: true });
      const until = Date.now() + TEST_WAIT_MS;
      while (Date.now() < until) {
        const event = await api(`${eventingPath(project)}/events/${queued.eventId}`);
        if (event.invocations.length > 0) {
          setResult({
            eventId: queued.eventId,
            invocation: event.invocations[event.invocations.length - 1],
            status: event.status,
          });
          return;
        }
        await new Promise((r) => setTimeout(r, 400));
      }
      setResult({
        eventId: queued.eventId,
        error: 'No attempt within 15 s: is an event-worker running? The event stays in the log.',
      });
    } catch (error) {
      setResult({ error: error instanceof SyntaxError ? `Payload is not JSON: ${error.message}` : error.message });
    } finally {
      setBusy(false);
    }
  };
  const inv = result && result.invocation;
  return html`<form
    class="test-event"
    data-testid="test-event"
    onSubmit=${send}
    aria-label=${`Send a test event to ${trigger}`}
  >
    <label for="test-payload">Payload (JSON) of a test event for <code>${trigger}</code> only</label>
    <textarea
      id="test-payload"
      rows="3"
      value=${payload}
      onInput=${(e) => setPayload(e.currentTarget.value)}
    ></textarea>
    <div class="actions left">
      <button type="submit" class="button small" disabled=${busy} data-testid="send-test">Send test event</button>
      <button type="button" class="button small ghost" onClick=${onClose}>Close</button>
    </div>
    ${result && result.waiting && html`<p class="muted" role="status">Queued ${result.eventId}; waiting for the delivery…</p>`}
    ${result && result.error && html`<p class="note error" role="alert" data-testid="test-result">${result.error}</p>`}
    ${
      inv &&
      html`<p
        class=${`note ${inv.statusCode !== null && inv.statusCode < 300 ? 'ok' : 'error'}`}
        role="status"
        data-testid="test-result"
      >
        Event <code>${result.eventId}</code>: HTTP <strong data-testid="test-status">${inv.statusCode === null ? 'no response' : inv.statusCode}</strong>
        ${' in '}<span data-testid="test-latency">${Math.round(inv.latencyMs)} ms</span>${' (webhook-id '}<code>${inv.deliveryId}</code>)${inv.error ? ` · ${inv.error}` : ''}
        ${' · response: '}<code data-testid="test-response">${inv.response || '(empty)'}</code>
      </p>`
    }
  </form>`;
}

export function TriggersCard({ project, tick, onChanged }) {
  const readOnly = useReadOnly();
  const [config, setConfig] = useState(null);
  const [live, setLive] = useState(new Map());
  const [editing, setEditing] = useState(null);
  const [testing, setTesting] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const [note, setNote] = useState(null);
  const base = `${projectPath(project.id)}/eventing/triggers`;
  const load = async () => {
    try {
      const [c, l] = await Promise.all([api(base), api(`${eventingPath(project.id)}/triggers`)]);
      setConfig(c);
      setLive(new Map(l.triggers.map((t) => [t.trigger, t])));
    } catch (error) {
      setNote({ ok: false, text: error.message });
    }
  };
  useEffect(() => void load(), [tick]);
  const run = async (text, call) => {
    setNote(null);
    try {
      const answer = await call();
      setNote({ ok: true, text: typeof text === 'function' ? text(answer) : text });
      void load();
      onChanged();
    } catch (error) {
      setNote({ ok: false, text: error.message });
    }
  };
  const setEnabled = (t, enabled) =>
    run(`Trigger ${t.id} ${enabled ? 'enabled' : 'disabled'}.`, () =>
      api(`${base}/${t.id}`, { method: 'POST', body: { ...t, enabled }, version: config.versions[t.id] }),
    );
  const resume = (t) =>
    run(
      (a) => `Trigger ${t.id} resumed; ${a.released} held deliver${a.released === 1 ? 'y' : 'ies'} re-queued.`,
      () => api(`${eventingPath(project.id)}/triggers/${t.id}/enable`, { method: 'POST', body: {} }),
    );
  const triggers = config ? config.result : [];
  return html`<section class="card triggers-card" data-testid="triggers-card" aria-labelledby="triggers-h">
    <div class="card-head">
      <h2 id="triggers-h">Triggers <span class="muted">· ${project.id}</span></h2>
      <${ChangeButton} class="button small" data-testid="new-trigger" onClick=${() => setEditing({ id: '' })}>
        New trigger
      <//>
    </div>
    <table class="table">
      <thead>
        <tr>
          <th scope="col">Trigger</th>
          <th scope="col">Event type</th>
          <th scope="col">URL</th>
          <th scope="col">State</th>
          <th scope="col"><span class="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody data-testid="triggers">
        ${triggers.map((t) => {
          const state = live.get(t.id);
          const paused = t.enabled && state && state.disabled;
          return html`<tr key=${t.id} data-trigger=${t.id}>
            <td class="mono">${t.id}</td>
            <td class="mono">${t.type}</td>
            <td class="mono muted url">${t.url}</td>
            <td data-testid="trigger-state">${stateBadge(t, state)}</td>
            <td class="row-actions">
              <button
                type="button"
                class="button small ghost"
                data-testid="edit-trigger"
                aria-label=${`Edit trigger ${t.id}`}
                onClick=${() => setEditing(t)}
              >
                ${readOnly ? 'View' : 'Edit'}
              </button>
              ${
                paused
                  ? html`<${ChangeButton}
                      class="button small"
                      data-testid="resume-trigger"
                      title=${`Resume deliveries to ${t.id} and re-queue the held ones`}
                      onClick=${() => resume(t)}
                    >
                      Resume
                    <//>`
                  : html`<${ChangeButton}
                      class="button small ghost"
                      data-testid="toggle-trigger"
                      aria-label=${`${t.enabled ? 'Disable' : 'Enable'} trigger ${t.id}`}
                      onClick=${() => setEnabled(t, !t.enabled)}
                    >
                      ${t.enabled ? 'Disable' : 'Enable'}
                    <//>`
              }
              <${ChangeButton}
                class="button small ghost"
                data-testid="test-trigger"
                aria-label=${`Send a test event to ${t.id}`}
                disabled=${!t.enabled}
                onClick=${() => setTesting(t.id)}
              >
                Test
              <//>
              <${ChangeButton}
                class="button small ghost danger"
                data-testid="delete-trigger"
                aria-label=${`Delete trigger ${t.id}`}
                onClick=${() => setDeleting(t)}
              >
                Delete
              <//>
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${config && triggers.length === 0 && html`<p class="muted empty">No triggers yet.</p>`}
    <${Notice} note=${note} testid="trigger-note" />
    ${testing && html`<${TestEvent} key=${testing} project=${project.id} trigger=${testing} onClose=${() => setTesting(null)} />`}
    ${
      editing &&
      html`<${TriggerForm}
        key=${editing.id || 'new'}
        project=${project.id}
        triggerId=${editing.id}
        onCancel=${() => setEditing(null)}
        onSaved=${(id) => {
          setEditing(null);
          setNote({ ok: true, text: `Trigger ${id} saved.` });
          void load();
          onChanged();
        }}
      />`
    }
    ${
      deleting &&
      html`<${Confirm}
        title=${`Delete trigger ${deleting.id}?`}
        danger
        confirmLabel="Delete trigger"
        onCancel=${() => setDeleting(null)}
        onConfirm=${() => {
          const t = deleting;
          setDeleting(null);
          void run(`Trigger ${t.id} deleted.`, () =>
            api(`${base}/${t.id}`, { method: 'DELETE', version: config.versions[t.id] }),
          );
        }}
      >
        <p>Deliveries already queued for it go to the dead-letter queue.</p>
      <//>`
    }
  </section>`;
}
