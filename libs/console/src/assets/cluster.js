// Cluster members (leader, health, partitions owned) and the partition map with recent moves.
import { badge } from './ui.js';
import { html, useRef } from './htm-preact.js';

/** a cell that changed owner stays highlighted this long (a few polls), so a move is seen */
const MOVE_HIGHLIGHT_MS = 4500;
const PALETTE = ['#4f7cff', '#1fb58f', '#f29d38', '#d95bb8', '#8d6cf0', '#e0584f', '#2fb3d1', '#a3b53a', '#c98a5b'];

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

function Members({ cluster, colors }) {
  const leader = cluster.leader && cluster.leader.nodeId;
  const byOwner = new Map();
  for (const p of cluster.partitions) if (p.owner) byOwner.set(p.owner, [...(byOwner.get(p.owner) || []), p.partition]);
  return html`<table class="table">
      <thead>
        <tr>
          <th scope="col">Member</th>
          <th scope="col">Role</th>
          <th scope="col">Address</th>
          <th scope="col">Health</th>
          <th scope="col">Partitions</th>
        </tr>
      </thead>
      <tbody data-testid="members">
        ${cluster.members.map((m) => {
          const owned = byOwner.get(m.id) || [];
          return html`<tr key=${m.id} data-member=${m.id} class=${m.id === leader ? 'is-leader' : ''}>
            <td>
              ${colors.has(m.id) && html`<span class="swatch" style=${{ backgroundColor: colors.get(m.id) }}></span>`}
              <span class="mono">${m.id}</span> ${m.id === leader && badge('leader', 'leader')}
            </td>
            <td>${m.role || ''}</td>
            <td class="mono muted">${m.address}:${m.port}</td>
            <td>${badge(m.health, `health-${m.health}`)}</td>
            <td class="mono" data-testid="member-partitions">
              ${owned.length ? `${owned.length}: ${ranges(owned)}` : m.role === 'event-worker' ? '—' : ''}
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${
      cluster.members.length === 0 &&
      html`<p class="muted empty">
        ${
          cluster.mode === 'standalone'
            ? 'Standalone mode: no Consul membership; the one event-worker owns every partition.'
            : 'No members registered.'
        }
      </p>`
    }`;
}

export function Cluster({ cluster }) {
  const seen = useRef({ owners: null, movedAt: new Map(), lastMove: '' });
  if (!cluster)
    return html`<section class="card">
      <h2>Cluster</h2>
      <p class="muted">Loading…</p>
    </section>`;
  const colors = ownerColors(cluster);
  const now = Date.now();
  const track = seen.current;
  const owners = cluster.partitions.map((p) => p.owner);
  if (track.owners && track.owners.length === owners.length) {
    const moved = owners.map((o, i) => (o !== track.owners[i] ? i : -1)).filter((i) => i >= 0);
    for (const i of moved) track.movedAt.set(i, now);
    if (moved.length)
      track.lastMove = `${moved.length} moved at ${new Date(now).toLocaleTimeString()} (generation ${cluster.generation})`;
  }
  track.owners = owners;
  const leader = cluster.leader && cluster.leader.nodeId;
  return html`<section class="card cluster" data-testid="cluster" aria-labelledby="cluster-h">
      <div class="card-head">
        <h2 id="cluster-h">Cluster</h2>
        <span class="muted"
          >${badge(cluster.mode, 'mode')} cluster ${cluster.clusterId}
          ${
            cluster.mode === 'distributed' &&
            ` · leader ${leader || '—'} · generation ${cluster.generation ?? '—'} · ${cluster.partitionCount ?? cluster.partitions.length} partitions`
          }</span
        >
      </div>
      <${Members} cluster=${cluster} colors=${colors} />
    </section>
    <section class="card partitions" data-testid="partitions" aria-labelledby="pmap-h">
      <div class="card-head">
        <h2 id="pmap-h">Partition map</h2>
        <span class="muted" data-testid="moves">${track.lastMove}</span>
      </div>
      <div class="pmap" data-testid="partition-map">
        ${
          cluster.partitions.length === 0 &&
          html`<p class="muted">
            ${cluster.mode === 'standalone' ? 'Standalone mode: every partition is consumed by the one event-worker.' : 'No assignment yet.'}
          </p>`
        }
        ${cluster.partitions.map((p) => {
          const recent = now - (track.movedAt.get(p.partition) || 0) < MOVE_HIGHLIGHT_MS;
          const classes = [
            'cell',
            p.owner ? '' : 'unowned',
            recent ? 'moved' : '',
            p.pendingHandoffFrom.length ? 'handoff' : '',
            p.stuck ? 'stuck' : '',
          ]
            .filter(Boolean)
            .join(' ');
          return html`<div
            key=${p.partition}
            class=${classes}
            data-partition=${p.partition}
            data-owner=${p.owner || ''}
            data-stuck=${p.stuck ? p.stuckReason || 'stuck' : undefined}
            title=${partitionTitle(p)}
            style=${p.owner && colors.has(p.owner) ? { backgroundColor: colors.get(p.owner) } : {}}
          >
            <span class="pnum">${p.partition}</span>${p.backlog ? html`<span class="backlog">${p.backlog}</span>` : ''}
          </div>`;
        })}
      </div>
      <div class="legend">
        ${[...colors].map(([id, color]) => html`<span class="legend-item" key=${id}><span class="swatch" style=${{ backgroundColor: color }}></span>${id}</span>`)}
        <span class="legend-item"><span class="swatch moved-sample"></span>moved recently</span>
        <span class="legend-item"><span class="swatch handoff-sample"></span>handoff pending</span>
        <span class="legend-item"><span class="swatch stuck-sample"></span>stuck (jobs wait, not consumed)</span>
      </div>
    </section>`;
}
