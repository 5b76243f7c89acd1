// The event log (filters, cursor paging, details, redeliver) and, in a second tab, the dead letters.
import { api, enc, eventingPath, localInputToIso } from './api.js';
import { DeadLetters } from './dlq.js';
import { EventRow } from './event-row.js';
import { html, useEffect, useRef, useState } from './htm-preact.js';

const STATUSES = ['staged', 'processing', 'processed', 'failed', 'cancelled'];
const NO_FILTERS = { status: '', type: '', trigger: '', since: '', until: '', eventId: '' };
const PAGE_SIZE = 50;

/**
 * The filter form: a draft the inputs edit, handed to `onApply`. Clear resets the draft itself (an effect
 * copying `applied` into it would run after paint and could wipe what was typed since).
 */
function Filters({ project, initial, onApply }) {
  const [draft, setDraft] = useState(initial);
  const set = (name) => (e) => setDraft({ ...draft, [name]: e.currentTarget.value });
  const clear = () => {
    setDraft(NO_FILTERS);
    onApply(NO_FILTERS);
  };
  return html`<form
    class="filters"
    data-testid="event-filters"
    aria-label="Filter events"
    onSubmit=${(e) => {
      e.preventDefault();
      onApply(draft);
    }}
  >
    <label
      >Status<select data-testid="status-filter" value=${draft.status} onChange=${set('status')}>
        <option value="">any</option>
        ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select></label
    >
    <label
      >Type<input data-testid="type-filter" value=${draft.type} onInput=${set('type')} placeholder="order.paid"
    /></label>
    <label
      >Trigger<select data-testid="trigger-filter" value=${draft.trigger} onChange=${set('trigger')}>
        <option value="">any</option>
        ${project.triggers.map((t) => html`<option value=${t.id}>${t.id}</option>`)}
      </select></label
    >
    <label
      >From<input
        type="datetime-local"
        step="1"
        data-testid="since-filter"
        value=${draft.since}
        onInput=${set('since')}
    /></label>
    <label
      >To<input type="datetime-local" step="1" data-testid="until-filter" value=${draft.until} onInput=${set('until')}
    /></label>
    <label
      >Event id<input data-testid="event-id-filter" value=${draft.eventId} onInput=${set('eventId')} class="mono"
    /></label>
    <div class="filter-actions">
      <button type="submit" class="button small" data-testid="apply-filters">Apply</button>
      <button type="button" class="button small ghost" data-testid="clear-filters" onClick=${clear}>
        Clear
      </button>
    </div>
  </form>`;
}

function query(filters, cursor) {
  const params = [['limit', String(PAGE_SIZE)]];
  for (const name of ['status', 'type', 'trigger']) if (filters[name]) params.push([name, filters[name]]);
  if (filters.since) params.push(['since', localInputToIso(filters.since)]);
  if (filters.until) params.push(['until', localInputToIso(filters.until)]);
  if (cursor) params.push(['cursor', cursor]);
  return params.map(([k, v]) => `${k}=${enc(v)}`).join('&');
}

function EventLog({ project, tick }) {
  const [filters, setFilters] = useState(NO_FILTERS);
  /** cursors of the pages before this one; the current page's cursor is the last ('' = newest) */
  const [cursors, setCursors] = useState(['']);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const cursor = cursors[cursors.length - 1];
  const filtered = Object.values(filters).some(Boolean);
  /** the filters and page last asked for: a late answer for others is dropped, not shown over it */
  const wanted = useRef('');
  useEffect(() => {
    const key = JSON.stringify([filters, cursor]);
    wanted.current = key;
    const current = () => wanted.current === key;
    const base = eventingPath(project.id);
    const load = filters.eventId
      ? api(`${base}/events/${enc(filters.eventId.trim())}`).then(
          (event) => ({ events: [event], nextCursor: null }),
          (err) => (err.status === 404 ? { events: [], nextCursor: null } : Promise.reject(err)),
        )
      : api(`${base}/events?${query(filters, cursor)}`);
    load.then(
      (p) => {
        if (!current()) return;
        setPage(p);
        setError(null);
      },
      (err) => current() && setError(err.message),
    );
  }, [tick, filters, cursor]);
  const apply = (next) => {
    setFilters(next);
    setCursors(['']);
    setPage(null);
  };
  const events = page ? page.events : [];
  return html`<${Filters} project=${project} initial=${filters} onApply=${apply} />
    ${error && html`<p class="note error" role="alert">${error}</p>`}
    <table class="table events-table">
      <thead>
        <tr>
          <th scope="col"><span class="sr-only">Details</span></th>
          <th scope="col">Accepted</th>
          <th scope="col">Type</th>
          <th scope="col">Status</th>
          <th scope="col">Deliveries</th>
          <th scope="col">Event id</th>
          <th scope="col"><span class="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody data-testid="event-log">
        ${events.map((e) => html`<${EventRow} key=${e.id} project=${project.id} event=${e} tick=${tick} startOpen=${Boolean(filters.eventId)} />`)}
      </tbody>
    </table>
    ${
      page &&
      events.length === 0 &&
      html`<p class="muted empty" data-testid="events-empty">
        ${filtered ? 'No events match these filters.' : 'No events yet.'}
      </p>`
    }
    <nav class="pager" aria-label="Event log pages">
      <button
        type="button"
        class="button small ghost"
        data-testid="newest-page"
        disabled=${cursors.length === 1}
        onClick=${() => setCursors([''])}
      >
        Newest
      </button>
      <button
        type="button"
        class="button small ghost"
        data-testid="newer-page"
        disabled=${cursors.length === 1}
        onClick=${() => setCursors(cursors.slice(0, -1))}
      >
        ← Newer
      </button>
      <span class="muted" data-testid="page-number">page ${cursors.length}</span>
      <button
        type="button"
        class="button small ghost"
        data-testid="older-page"
        disabled=${!page || !page.nextCursor}
        onClick=${() => setCursors([...cursors, page.nextCursor])}
      >
        Older →
      </button>
    </nav>`;
}

export function EventsCard({ project, tick }) {
  const [tab, setTab] = useState('log');
  const tabButton = (id, label) =>
    html`<button
      type="button"
      role="tab"
      id=${`tab-${id}`}
      aria-selected=${tab === id ? 'true' : 'false'}
      aria-controls=${`panel-${id}`}
      class=${`tab ${tab === id ? 'selected' : ''}`}
      data-testid=${`tab-${id}`}
      onClick=${() => setTab(id)}
    >
      ${label}
    </button>`;
  return html`<section class="card events" data-testid="events" aria-labelledby="events-h">
    <div class="card-head">
      <h2 id="events-h">Events <span class="muted">· ${project.id}</span></h2>
      <div role="tablist" aria-label="Event views">
        ${tabButton('log', 'Event log')}${tabButton('dlq', 'Dead letters')}
      </div>
    </div>
    <div role="tabpanel" id=${`panel-${tab}`} aria-labelledby=${`tab-${tab}`}>
      ${
        tab === 'log'
          ? html`<${EventLog} project=${project} tick=${tick} />`
          : html`<${DeadLetters} project=${project} tick=${tick} />`
      }
    </div>
  </section>`;
}
