// A project's signing secrets and API tokens, by id: rotate, retire, create (shown once), revoke.
import { api, projectPath } from './api.js';
import { html, useEffect, useState } from './htm-preact.js';
import { ChangeButton, Confirm, Notice, ShownOnce } from './ui.js';

export function SecretsPanel({ project, version, onChanged }) {
  const [secrets, setSecrets] = useState(null);
  const [shown, setShown] = useState(null);
  const [note, setNote] = useState(null);
  const [pending, setPending] = useState(null);
  const base = `${projectPath(project)}/secrets`;
  const load = () =>
    api(base).then(
      (r) => setSecrets(r.result),
      (error) => setNote({ ok: false, text: error.message }),
    );
  useEffect(() => void load(), [project, version]);

  const act = async (label, call) => {
    setNote(null);
    try {
      const answer = await call();
      setSecrets(answer.result.secrets);
      if (answer.result.value) setShown({ label, value: answer.result.value });
      else setNote({ ok: true, text: `${label}.` });
      onChanged();
    } catch (error) {
      setNote({ ok: false, text: error.message });
    } finally {
      setPending(null);
    }
  };
  if (!secrets) return html`<${Notice} note=${note} testid="secrets-note" />`;
  const retire = (id) =>
    act(`Signing secret ${id} retired`, () => api(`${base}/webhook/${id}`, { method: 'DELETE', version }));
  const revoke = (id) =>
    act(`API token ${id} revoked`, () => api(`${base}/api-tokens/${id}`, { method: 'DELETE', version }));
  return html`<div class="secrets" data-testid="secrets">
    <div class="secrets-col">
      <h3>Webhook signing secrets</h3>
      <p class="muted">
        Every secret listed signs each delivery (one signature each): after a rotation receivers can switch to the new
        secret, then retire the old one here.
      </p>
      <ul class="secret-list" data-testid="signing-secrets">
        ${secrets.webhook.map(
          (s, i) =>
            html`<li key=${s.id} data-secret=${s.id}>
              <code>${s.id}</code>
              ${i === 0 ? html`<span class="badge processed">newest</span>` : html`<span class="badge staged">older, still signing</span>`}
              ${
                secrets.webhook.length > 1 &&
                html`<${ChangeButton}
                  class="button small ghost"
                  data-testid="retire-secret"
                  aria-label=${`Retire signing secret ${s.id}`}
                  onClick=${() => setPending({ kind: 'retire', id: s.id })}
                >
                  Retire
                <//>`
              }
            </li>`,
        )}
      </ul>
      <${ChangeButton}
        class="button small"
        data-testid="rotate-secret"
        onClick=${() => act('New signing secret', () => api(`${base}/webhook`, { method: 'POST', version }))}
      >
        Rotate signing secret
      <//>
    </div>
    <div class="secrets-col">
      <h3>Project API tokens</h3>
      <p class="muted">Bearer tokens of the queue API. A new token is shown once; the config keeps its SHA-256.</p>
      <ul class="secret-list" data-testid="api-tokens">
        ${secrets.apiTokens.length === 0 && html`<li class="muted">No tokens.</li>`}
        ${secrets.apiTokens.map(
          (t) =>
            html`<li key=${t.id} data-token=${t.id}>
              <code>${t.id}</code>${' '}${t.hashed ? html`<span class="muted">hashed</span>` : html`<span class="muted">stored in clear</span>`}
              <${ChangeButton}
                class="button small ghost"
                data-testid="revoke-token"
                aria-label=${`Revoke API token ${t.id}`}
                onClick=${() => setPending({ kind: 'revoke', id: t.id })}
              >
                Revoke
              <//>
            </li>`,
        )}
      </ul>
      <${ChangeButton}
        class="button small"
        data-testid="create-token"
        onClick=${() => act('New API token', () => api(`${base}/api-tokens`, { method: 'POST', version }))}
      >
        Create API token
      <//>
    </div>
    ${shown && html`<${ShownOnce} label=${shown.label} value=${shown.value} onDone=${() => setShown(null)} />`}
    <${Notice} note=${note} testid="secrets-note" />
    ${
      pending &&
      html`<${Confirm}
        title=${pending.kind === 'retire' ? `Retire signing secret ${pending.id}?` : `Revoke API token ${pending.id}?`}
        danger
        confirmLabel=${pending.kind === 'retire' ? 'Retire' : 'Revoke'}
        onCancel=${() => setPending(null)}
        onConfirm=${() => (pending.kind === 'retire' ? retire(pending.id) : revoke(pending.id))}
      >
        <p>
          ${pending.kind === 'retire' ? 'Receivers still verifying with this secret will reject deliveries.' : 'Clients using this token get 401 from the queue API.'}
        </p>
      <//>`
    }
  </div>`;
}
