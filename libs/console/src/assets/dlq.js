// Dead letters of a project with their reasons, and a redrive (all, since a time, one trigger) that
// first counts what it would re-queue.
import { api, dateTime, enc, eventingPath, localInputToIso } from './api.js';
import { html, useEffect, useState } from './htm-preact.js';
import { badge, ChangeFieldset, Confirm, Notice } from './ui.js';

/** pages read at most when counting (500 entries each): a bound, said so when reached */
const MAX_COUNT_PAGES = 40;

function scopeParams(scope) {
  const params = {};
  if (scope.kind === 'since' && scope.since) params.since = localInputToIso(scope.since);
  if (scope.kind === 'trigger' && scope.trigger) params.trigger = scope.trigger;
  return params;
}

async function countDeadLetters(project, params) {
  let count = 0;
  let cursor = '';
  for (let i = 0; i < MAX_COUNT_PAGES; i++) {
    const q = Object.entries({ ...params, limit: '500', ...(cursor ? { cursor } : {}) }).map(
      ([k, v]) => `${k}=${enc(v)}`,
    );
    const page = await api(`${eventingPath(project)}/dlq?${q.join('&')}`);
    count += page.entries.length;
    if (!page.next) return { count, complete: true };
    cursor = page.next;
  }
  return { count, complete: false };
}

export function DeadLetters({ project, tick }) {
  const [cursors, setCursors] = useState(['']);
  const [page, setPage] = useState(null);
  const [scope, setScope] = useState({ kind: 'all', since: '', trigger: '' });
  const [counted, setCounted] = useState(null);
  const [note, setNote] = useState(null);
  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    api(`${eventingPath(project.id)}/dlq?limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`).then(setPage, (e) =>
      setNote({ ok: false, text: e.message }),
    );
  }, [tick, cursor]);
  const prepare = async (e) => {
    e.preventDefault();
    setNote(null);
    try {
      const params = scopeParams(scope);
      setCounted({ ...(await countDeadLetters(project.id, params)), params });
    } catch (error) {
      setNote({ ok: false, text: error.message });
    }
  };
  const redrive = async () => {
    const { params } = counted;
    setCounted(null);
    try {
      const result = await api(`${eventingPath(project.id)}/dlq/redrive`, { method: 'POST', body: params });
      setNote({
        ok: true,
        text: `Redriven: ${result.redriven} dead letter${result.redriven === 1 ? '' : 's'} re-queued.`,
      });
      setCursors(['']);
    } catch (error) {
      setNote({ ok: false, text: error.message });
    }
  };
  const entries = page ? page.entries : [];
  const set = (name) => (e) => setScope({ ...scope, [name]: e.currentTarget.value });
  return html`<div class="dlq" data-testid="dlq">
    <form class="filters" data-testid="redrive-form" onSubmit=${prepare} aria-label="Redrive dead letters">
      <${ChangeFieldset} class="inline">
        <legend>Redrive</legend>
        <label
          ><input type="radio" name="scope" value="all" checked=${scope.kind === 'all'} onChange=${set('kind')} />
          all</label
        >
        <label
          ><input type="radio" name="scope" value="since" checked=${scope.kind === 'since'} onChange=${set('kind')} />
          since
          <input
            type="datetime-local"
            step="1"
            aria-label="Redrive dead letters since"
            data-testid="redrive-since"
            value=${scope.since}
            onInput=${(e) => setScope({ ...scope, kind: 'since', since: e.currentTarget.value })}
        /></label>
        <label
          ><input
            type="radio"
            name="scope"
            value="trigger"
            checked=${scope.kind === 'trigger'}
            onChange=${set('kind')}
          />
          trigger
          <select
            aria-label="Redrive dead letters of trigger"
            data-testid="redrive-trigger"
            value=${scope.trigger}
            onChange=${(e) => setScope({ ...scope, kind: 'trigger', trigger: e.currentTarget.value })}
          >
            <option value="">choose…</option>
            ${project.triggers.map((t) => html`<option value=${t.id}>${t.id}</option>`)}
          </select></label
        >
        <button type="submit" class="button small" data-testid="redrive">Redrive…</button>
      <//>
    </form>
    <${Notice} note=${note} testid="dlq-note" />
    <table class="table">
      <thead>
        <tr>
          <th scope="col">At</th>
          <th scope="col">Trigger</th>
          <th scope="col">Type</th>
          <th scope="col">Reason</th>
          <th scope="col">Status</th>
          <th scope="col">Event id</th>
        </tr>
      </thead>
      <tbody data-testid="dead-letters">
        ${entries.map(
          (d) =>
            html`<tr key=${d.id} data-dead-letter=${d.eventId}>
              <td class="nowrap">${dateTime(d.at)}</td>
              <td class="mono">${d.trigger}</td>
              <td class="mono">${d.type}</td>
              <td data-testid="dlq-reason">${d.reason}</td>
              <td>${d.statusCode === null ? badge('none', 'failed') : badge(String(d.statusCode), 'failed')}</td>
              <td class="mono muted">${d.eventId}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${page && entries.length === 0 && html`<p class="muted empty" data-testid="dlq-empty">The dead-letter queue is empty.</p>`}
    <nav class="pager" aria-label="Dead-letter pages">
      <button
        type="button"
        class="button small ghost"
        disabled=${cursors.length === 1}
        onClick=${() => setCursors(cursors.slice(0, -1))}
      >
        ← Earlier
      </button>
      <span class="muted">page ${cursors.length} (oldest first)</span>
      <button
        type="button"
        class="button small ghost"
        disabled=${!page || !page.next}
        onClick=${() => setCursors([...cursors, page.next])}
      >
        Later →
      </button>
    </nav>
    ${
      counted &&
      html`<${Confirm}
        title="Redrive dead letters?"
        confirmLabel=${`Redrive ${counted.count}`}
        busy=${counted.count === 0}
        onConfirm=${redrive}
        onCancel=${() => setCounted(null)}
      >
        <p data-testid="redrive-count">
          ${counted.count === 0 ? 'Nothing to redrive: no dead letters' : `${counted.count}${counted.complete ? '' : '+'} dead letter${counted.count === 1 ? '' : 's'}`}
          ${counted.params.trigger ? ` of trigger ${counted.params.trigger}` : counted.params.since ? ` since ${dateTime(counted.params.since)}` : ''}
          ${counted.count > 0 ? ' would be re-queued with their webhook-ids and removed from the queue.' : '.'}
        </p>
      <//>`
    }
  </div>`;
}
