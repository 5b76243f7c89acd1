// One event of the log: its deliveries, invocation details on demand, redeliver after a confirmation.
import { api, dateTime, eventingPath } from './api.js';
import { html, useEffect, useState } from './htm-preact.js';
import { badge, ChangeButton, Confirm } from './ui.js';

function Invocations({ detail }) {
  if (!detail) return html`<p class="muted">Loading…</p>`;
  if (detail.invocations.length === 0) return html`<p class="muted">No attempts yet.</p>`;
  return html`<table class="table inner" data-testid="invocations">
    <thead>
      <tr>
        ${['Trigger', 'Attempt', 'At', 'Status code', 'Latency', 'Delivery (webhook-id)', 'Error / response'].map((t) => html`<th scope="col">${t}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${detail.invocations.map(
        (inv) =>
          html`<tr data-testid="invocation">
            <td class="mono">${inv.trigger}</td>
            <td>${inv.attempt}</td>
            <td>${dateTime(inv.at)}</td>
            <td>
              ${badge(inv.statusCode === null ? 'none' : String(inv.statusCode), inv.statusCode !== null && inv.statusCode < 300 ? 'processed' : 'failed')}
            </td>
            <td>${Math.round(inv.latencyMs)} ms</td>
            <td class="mono muted">${inv.deliveryId}</td>
            <td class="mono">${inv.error || inv.response || ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function EventRow({ project, event, tick, startOpen }) {
  const [open, setOpen] = useState(Boolean(startOpen));
  const [detail, setDetail] = useState(null);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState(null);
  const path = `${eventingPath(project)}/events/${encodeURIComponent(event.id)}`;
  useEffect(() => {
    if (open) api(path).then(setDetail, (error) => setNote({ ok: false, text: error.message }));
  }, [open, tick]);
  const redeliver = async () => {
    setConfirming(false);
    try {
      const result = await api(`${path}/redeliver`, { method: 'POST', body: {} });
      const skipped = result.skipped.map((s) => `${s.trigger} (${s.reason})`).join(', ');
      setNote({
        ok: true,
        text: `Redelivery queued: ${result.deliveries.map((d) => `${d.trigger} (${d.id})`).join(', ')}${skipped ? `; skipped ${skipped}` : ''}`,
      });
      setOpen(true);
    } catch (error) {
      setNote({ ok: false, text: `Redeliver failed: ${error.message}` });
    }
  };
  const toggle = () => setOpen(!open);
  return html`<tr
      class=${`event-row ${open ? 'open' : ''}`}
      data-event=${event.id}
      data-status=${event.status}
      onClick=${toggle}
    >
      <td>
        <button
          type="button"
          class="caret"
          aria-expanded=${open ? 'true' : 'false'}
          aria-label=${`Details of event ${event.id}`}
          onClick=${(e) => {
            e.stopPropagation();
            toggle();
          }}
        >
          ${open ? '▾' : '▸'}
        </button>
      </td>
      <td class="nowrap" data-testid="event-time">${dateTime(event.acceptedAt)}</td>
      <td class="mono">${event.type}</td>
      <td data-testid="event-status">${badge(event.status)}</td>
      <td>
        ${event.deliveries.map((d) => html`<span class="delivery"><span class="mono">${d.trigger}</span> ${badge(d.status)}</span>`)}
      </td>
      <td class="mono muted">${event.id}</td>
      <td>
        <${ChangeButton}
          class="button small"
          data-testid="redeliver"
          title=${`Send event ${event.id} again`}
          onClick=${(e) => {
            e.stopPropagation();
            setConfirming(true);
          }}
        >
          Redeliver
        <//>
      </td>
    </tr>
    ${
      (open || note) &&
      html`<tr class="detail" data-detail=${event.id}>
        <td colspan="7">
          ${note && html`<p class=${`note ${note.ok ? 'ok' : 'error'}`} role=${note.ok ? 'status' : 'alert'} data-testid="redeliver-result">${note.text}</p>`}
          ${open && html`<${Invocations} detail=${detail} />`}
          ${
            open &&
            detail &&
            html`<details>
              <summary>Payload</summary>
              <pre class="mono">${JSON.stringify(detail.payload, null, 2)}</pre>
            </details>`
          }
        </td>
      </tr>`
    }
    ${
      confirming &&
      html`<${Confirm}
        title=${`Redeliver event ${event.id}?`}
        confirmLabel="Redeliver"
        onConfirm=${redeliver}
        onCancel=${() => setConfirming(false)}
      >
        <p>
          A new delivery (new webhook-id) goes to each of its triggers the current config can still send to
          (${event.deliveries.map((d) => d.trigger).join(', ') || 'none'}).
        </p>
      <//>`
    }`;
}
