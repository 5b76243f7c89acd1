/* Spaceport web console: vanilla JS, no build step. Talks only to the gateway that served it. */
/* global document, sessionStorage, window */
'use strict';

(() => {
  const POLL_MS = 1500;
  /** a cell that changed owner stays highlighted this long (a few polls), so a move is seen */
  const MOVE_HIGHLIGHT_MS = 4500;
  const TOKEN_KEY = 'spaceport.console.adminToken';
  const PROJECT_KEY = 'spaceport.console.project';
  const PALETTE = [
    '#4f7cff',
    '#1fb58f',
    '#f29d38',
    '#d95bb8',
    '#8d6cf0',
    '#e0584f',
    '#2fb3d1',
    '#a3b53a',
    '#c98a5b',
    '#5b8fa8',
  ];

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY) || '',
    project: sessionStorage.getItem(PROJECT_KEY) || '',
    projects: [],
    expanded: new Set(),
    /** eventId → message of the last redeliver click */
    notes: new Map(),
    owners: null,
    movedAt: new Map(),
    lastMove: '',
    timer: undefined,
    /** eventId → {key, rows}: the rendered rows of the last poll */
    rows: new Map(),
    /** a poll was asked for while one ran */
    again: false,
  };

  const $ = (id) => document.getElementById(id);

  /** Element helper: attrs.class/text/title/data-*; children are nodes or strings (always text). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = String(value);
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, String(value));
    }
    for (const child of children.flat()) if (child !== undefined && child !== null) el.append(child);
    return el;
  }

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, options = {}) {
    const res = await fetch(path, {
      method: options.method || 'GET',
      headers: {
        authorization: `Bearer ${state.token}`,
        ...(options.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body ? { body: JSON.stringify(options.body) } : {}),
      cache: 'no-store',
    });
    const text = await res.text();
    let body = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { message: text };
    }
    if (!res.ok) throw new ApiError(res.status, body.message || body.error || `HTTP ${res.status}`);
    return body;
  }

  const enc = encodeURIComponent;
  const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
  const badge = (text, kind) => h('span', { class: `badge ${kind || text}`, text });

  // ---- sign-in ----------------------------------------------------------------------------------

  function showLogin(message) {
    window.clearTimeout(state.timer);
    state.token = '';
    sessionStorage.removeItem(TOKEN_KEY);
    $('dashboard').hidden = true;
    $('sign-out').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('refresh-state').textContent = '';
    $('token').focus();
  }

  async function signIn(token) {
    state.token = token;
    try {
      await api('/v1/config/projects');
    } catch (error) {
      showLogin(error.status === 401 ? 'That token was not accepted.' : `Cannot reach the gateway: ${error.message}`);
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('sign-out').hidden = false;
    void poll();
  }

  // ---- cluster + partition map --------------------------------------------------------------------

  /** Partition numbers as ranges: [0,1,2,5] → "0–2, 5". */
  function ranges(list) {
    const out = [];
    for (let i = 0; i < list.length; i++) {
      let j = i;
      while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
      out.push(i === j ? String(list[i]) : `${list[i]}–${list[j]}`);
      i = j;
    }
    return out.join(', ');
  }

  function ownerColors(cluster) {
    const ids = cluster.members.filter((m) => m.role === 'event-worker').map((m) => m.id);
    for (const p of cluster.partitions) if (p.owner && !ids.includes(p.owner)) ids.push(p.owner);
    return new Map(ids.map((id, i) => [id, PALETTE[i % PALETTE.length]]));
  }

  function renderCluster(cluster) {
    const leader = cluster.leader && cluster.leader.nodeId;
    const colors = ownerColors(cluster);
    $('cluster-badge').replaceChildren(
      badge(cluster.mode, 'mode'),
      h('span', { class: 'muted', text: ` cluster ${cluster.clusterId}` }),
    );
    $('cluster-meta').textContent =
      cluster.mode === 'distributed'
        ? `leader ${leader || '—'} · generation ${cluster.generation ?? '—'} · ${cluster.partitionCount ?? cluster.partitions.length} partitions`
        : '';
    const byOwner = new Map();
    for (const p of cluster.partitions)
      if (p.owner) byOwner.set(p.owner, [...(byOwner.get(p.owner) || []), p.partition]);
    $('members').replaceChildren(
      ...cluster.members.map((m) => {
        const owned = byOwner.get(m.id) || [];
        const swatch = colors.has(m.id) ? h('span', { class: 'swatch', 'data-owner': m.id }) : null;
        if (swatch) swatch.style.backgroundColor = colors.get(m.id);
        return h(
          'tr',
          { 'data-member': m.id, class: m.id === leader ? 'is-leader' : '' },
          h(
            'td',
            {},
            swatch,
            h('span', { class: 'mono', text: m.id }),
            m.id === leader ? badge('leader', 'leader') : null,
          ),
          h('td', { text: m.role || '' }),
          h('td', { class: 'mono muted', text: `${m.address}:${m.port}` }),
          h('td', {}, badge(m.health, `health-${m.health}`)),
          h('td', {
            class: 'mono',
            'data-testid': 'member-partitions',
            text: owned.length ? `${owned.length}: ${ranges(owned)}` : m.role === 'event-worker' ? '—' : '',
          }),
        );
      }),
    );
    const empty = $('members-empty');
    empty.hidden = cluster.members.length > 0;
    empty.textContent =
      cluster.mode === 'standalone'
        ? 'Standalone mode: no Consul membership; the one event-worker owns every partition.'
        : 'No members registered.';
    renderPartitions(cluster, colors);
  }

  /** Hover text of a partition cell: owner, epoch, and what the data plane reports of it. */
  function partitionTitle(p) {
    const parts = [`partition ${p.partition}`, `owner ${p.owner || 'none'}`, `epoch ${p.epoch}`];
    if (p.backlog !== undefined) parts.push(`backlog ${p.backlog}`);
    if (p.oldestWaitingMs != null) parts.push(`oldest waiting ${(p.oldestWaitingMs / 1000).toFixed(1)} s`);
    if (p.consumer !== undefined)
      parts.push(p.consumer ? `consumer ${p.consumer.worker} (epoch ${p.consumer.epoch})` : 'no consumer');
    if (p.stuck) parts.push(`STUCK: ${p.stuckReason}`);
    if (p.pendingHandoffFrom.length) parts.push(`handoff from ${p.pendingHandoffFrom.join(', ')}`);
    return parts.join(' · ');
  }

  function renderPartitions(cluster, colors) {
    const now = Date.now();
    const owners = cluster.partitions.map((p) => p.owner);
    if (state.owners && state.owners.length === owners.length) {
      const moved = owners.map((o, i) => (o !== state.owners[i] ? i : -1)).filter((i) => i >= 0);
      for (const i of moved) state.movedAt.set(i, now);
      if (moved.length > 0)
        state.lastMove = `${moved.length} moved at ${new Date(now).toLocaleTimeString()} (generation ${cluster.generation})`;
    }
    state.owners = owners;
    $('moves').textContent = state.lastMove;
    $('pmap').replaceChildren(
      ...cluster.partitions.map((p) => {
        const recent = now - (state.movedAt.get(p.partition) || 0) < MOVE_HIGHLIGHT_MS;
        const classes = [
          'cell',
          p.owner ? '' : 'unowned',
          recent ? 'moved' : '',
          p.pendingHandoffFrom.length ? 'handoff' : '',
          p.stuck ? 'stuck' : '',
        ]
          .filter(Boolean)
          .join(' ');
        const cell = h(
          'div',
          {
            class: classes,
            'data-partition': p.partition,
            'data-owner': p.owner || '',
            'data-stuck': p.stuck ? p.stuckReason || 'stuck' : undefined,
            title: partitionTitle(p),
          },
          h('span', { class: 'pnum', text: p.partition }),
          p.backlog ? h('span', { class: 'backlog', text: p.backlog }) : null,
        );
        if (p.owner && colors.has(p.owner)) cell.style.backgroundColor = colors.get(p.owner);
        return cell;
      }),
    );
    if (cluster.partitions.length === 0)
      $('pmap').replaceChildren(
        h('p', {
          class: 'muted',
          text:
            cluster.mode === 'standalone'
              ? 'Standalone mode: every partition is consumed by the one event-worker.'
              : 'No assignment yet.',
        }),
      );
    $('legend').replaceChildren(
      ...[...colors].map(([id, color]) => {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.backgroundColor = color;
        return h('span', { class: 'legend-item' }, swatch, id);
      }),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch moved-sample' }), 'moved recently'),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch handoff-sample' }), 'handoff pending'),
      h(
        'span',
        { class: 'legend-item' },
        h('span', { class: 'swatch stuck-sample' }),
        'stuck (jobs wait, not consumed)',
      ),
    );
  }

  // ---- projects + triggers ---------------------------------------------------------------------------

  function renderProjects(projects) {
    state.projects = projects;
    if (!projects.some((p) => p.id === state.project)) state.project = projects.length ? projects[0].id : '';
    sessionStorage.setItem(PROJECT_KEY, state.project);
    $('project-list').replaceChildren(
      ...(projects.length === 0
        ? [h('p', { class: 'muted', text: 'No projects yet: create one with POST /v1/config/projects/:project.' })]
        : projects.map((p) =>
            h(
              'button',
              {
                type: 'button',
                class: `chip ${p.id === state.project ? 'selected' : ''}`,
                'data-project': p.id,
                onclick: () => {
                  state.project = p.id;
                  state.expanded.clear();
                  void poll();
                },
              },
              h('strong', { text: p.id }),
              h('span', {
                class: 'muted',
                text: ` ${p.name} · ${p.triggers.length} trigger${p.triggers.length === 1 ? '' : 's'}`,
              }),
            ),
          )),
    );
    $('events-project').textContent = state.project ? `· ${state.project}` : '';
  }

  function renderTriggers(project, states) {
    const stateOf = new Map((states || []).map((s) => [s.trigger, s]));
    $('triggers').replaceChildren(
      ...(project ? project.triggers : []).map((t) => {
        const live = stateOf.get(t.id);
        const disabled = live && live.disabled;
        const status = !t.enabled
          ? badge('disabled', 'disabled')
          : disabled
            ? badge(`paused: ${disabled.reason}`, 'paused')
            : badge('enabled', 'enabled');
        return h(
          'tr',
          { 'data-trigger': t.id },
          h('td', { class: 'mono', text: t.id }),
          h('td', { class: 'mono', text: t.type }),
          h('td', { class: 'mono muted url', text: t.url }),
          h('td', { 'data-testid': 'trigger-state' }, status),
        );
      }),
    );
  }

  // ---- events ----------------------------------------------------------------------------------------

  function invocationTable(detail) {
    if (!detail.invocations.length) return h('p', { class: 'muted', text: 'No attempts yet.' });
    return h(
      'table',
      { class: 'table inner', 'data-testid': 'invocations' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Trigger', 'Attempt', 'At', 'Status code', 'Latency', 'Delivery (webhook-id)', 'Error / response'].map(
            (t) => h('th', { text: t }),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...detail.invocations.map((inv) =>
          h(
            'tr',
            { 'data-testid': 'invocation' },
            h('td', { class: 'mono', text: inv.trigger }),
            h('td', { text: inv.attempt }),
            h('td', { text: time(inv.at) }),
            h(
              'td',
              {},
              badge(
                inv.statusCode === null ? 'none' : String(inv.statusCode),
                inv.statusCode !== null && inv.statusCode < 300 ? 'processed' : 'failed',
              ),
            ),
            h('td', { text: `${Math.round(inv.latencyMs)} ms` }),
            h('td', { class: 'mono muted', text: inv.deliveryId }),
            h('td', { class: 'mono', text: inv.error || inv.response || '' }),
          ),
        ),
      ),
    );
  }

  async function redeliver(event, button) {
    button.disabled = true;
    try {
      const result = await api(`/v1/api/${enc(state.project)}/eventing/events/${enc(event.id)}/redeliver`, {
        method: 'POST',
        body: {},
      });
      state.notes.set(event.id, {
        ok: true,
        text: `Redelivery queued: ${result.deliveries.map((d) => `${d.trigger} (${d.id})`).join(', ')}`,
      });
      state.expanded.add(event.id);
    } catch (error) {
      state.notes.set(event.id, { ok: false, text: `Redeliver failed: ${error.message}` });
    } finally {
      button.disabled = false;
    }
    void poll();
  }

  function eventRows(event, detail) {
    const open = state.expanded.has(event.id);
    const toggle = () => {
      if (open) state.expanded.delete(event.id);
      else state.expanded.add(event.id);
      void poll();
    };
    const button = h(
      'button',
      {
        type: 'button',
        class: 'button small',
        'data-testid': 'redeliver',
        onclick: (e) => {
          e.stopPropagation();
          void redeliver(event, button);
        },
      },
      'Redeliver',
    );
    const row = h(
      'tr',
      {
        class: `event-row ${open ? 'open' : ''}`,
        'data-event': event.id,
        'data-status': event.status,
        onclick: toggle,
      },
      h('td', { class: 'caret', text: open ? '▾' : '▸' }),
      h('td', { text: time(event.acceptedAt) }),
      h('td', { class: 'mono', text: event.type }),
      h('td', { 'data-testid': 'event-status' }, badge(event.status)),
      h(
        'td',
        {},
        ...event.deliveries.map((d) =>
          h('span', { class: 'delivery' }, h('span', { class: 'mono', text: d.trigger }), ' ', badge(d.status)),
        ),
      ),
      h('td', { class: 'mono muted', text: event.id }),
      h('td', {}, button),
    );
    const note = state.notes.get(event.id);
    const rows = [row];
    if (open || note) {
      rows.push(
        h(
          'tr',
          { class: 'detail', 'data-detail': event.id },
          h(
            'td',
            { colspan: 7 },
            note
              ? h('p', {
                  class: note.ok ? 'note ok' : 'note error',
                  'data-testid': 'redeliver-result',
                  text: note.text,
                })
              : null,
            open ? (detail ? invocationTable(detail) : h('p', { class: 'muted', text: 'Loading…' })) : null,
          ),
        ),
      );
    }
    return rows;
  }

  async function loadEvents() {
    if (!state.project) {
      $('event-rows').replaceChildren();
      state.rows.clear();
      return;
    }
    const status = $('status-filter').value;
    const page = await api(
      `/v1/api/${enc(state.project)}/eventing/events?limit=50${status ? `&status=${enc(status)}` : ''}`,
    );
    const details = new Map(
      await Promise.all(
        page.events
          .filter((e) => state.expanded.has(e.id))
          .map(async (e) => [
            e.id,
            await api(`/v1/api/${enc(state.project)}/eventing/events/${enc(e.id)}`).catch(() => null),
          ]),
      ),
    );
    // rows whose content did not change keep their DOM nodes: no flicker, no click lost to a re-render
    const cache = new Map();
    const nodes = page.events.flatMap((e) => {
      const key = JSON.stringify([e, state.expanded.has(e.id), state.notes.get(e.id), details.get(e.id)]);
      const cached = state.rows.get(e.id);
      const rows = cached && cached.key === key ? cached.rows : eventRows(e, details.get(e.id));
      cache.set(e.id, { key, rows });
      return rows;
    });
    state.rows = cache;
    const tbody = $('event-rows');
    const current = [...tbody.children];
    if (current.length !== nodes.length || current.some((node, i) => node !== nodes[i]))
      tbody.replaceChildren(...nodes);
    $('events-empty').hidden = page.events.length > 0;
  }

  // ---- polling ---------------------------------------------------------------------------------------

  let polling = false;
  async function poll() {
    if (!state.token) return;
    if (polling) {
      state.again = true;
      return;
    }
    polling = true;
    state.again = false;
    window.clearTimeout(state.timer);
    try {
      const [cluster, projects] = await Promise.all([api('/v1/cluster'), api('/v1/config/projects')]);
      renderCluster(cluster);
      renderProjects(projects.result);
      const project = state.projects.find((p) => p.id === state.project);
      const triggerStates = project ? await api(`/v1/api/${enc(project.id)}/eventing/triggers`) : { triggers: [] };
      renderTriggers(project, triggerStates.triggers);
      await loadEvents();
      $('refresh-state').textContent = `updated ${new Date().toLocaleTimeString()}`;
      $('refresh-state').className = 'refresh';
    } catch (error) {
      if (error.status === 401) {
        polling = false;
        showLogin('The token was rejected (changed on the gateway?). Sign in again.');
        return;
      }
      $('refresh-state').textContent = `update failed: ${error.message}`;
      $('refresh-state').className = 'refresh error';
    } finally {
      polling = false;
    }
    if (state.token) state.timer = window.setTimeout(() => void poll(), state.again ? 0 : POLL_MS);
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void signIn($('token').value.trim());
      $('token').value = '';
    });
    $('sign-out').addEventListener('click', () => showLogin(''));
    $('status-filter').addEventListener('change', () => void poll());
    if (state.token) void signIn(state.token);
    else showLogin('');
  });
})();
