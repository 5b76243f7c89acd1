// Projects: pick one, create, edit its settings, delete it (typing its id); its secrets (secrets.js).
/* global crypto, btoa */
import { api, projectPath } from './api.js';
import { html, useEffect, useState } from './htm-preact.js';
import { SecretsPanel } from './secrets.js';
import { ChangeButton, Confirm, Field, fieldInputs, Notice, ShownOnce } from './ui.js';

/** A Standard Webhooks signing secret made in this browser for a new project: whsec_ + 32 random bytes. */
function newSigningSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** Create (`project` undefined) or edit a project's name and settings; secrets are kept by the API. */
function ProjectForm({ project, version, onSaved, onCancel, onReload }) {
  const creating = !project;
  const [values, setValues] = useState({
    id: project ? project.id : '',
    name: project ? project.name : '',
    maxPayloadBytes: String(project ? project.settings.maxPayloadBytes : 262144),
    idempotencyTtlMs: String(project ? project.settings.idempotencyTtlMs : 86400000),
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setValues({ ...values, [name]: e.currentTarget.value });
  const fields = (error && error.fields) || {};
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const settings = {
      maxPayloadBytes: Number(values.maxPayloadBytes),
      idempotencyTtlMs: Number(values.idempotencyTtlMs),
    };
    const secret = creating ? newSigningSecret() : undefined;
    try {
      const id = creating ? values.id.trim() : project.id;
      if (creating && !id) throw Object.assign(new Error('Give the project an id.'), { fields: { id: 'is required' } });
      await api(projectPath(id), {
        method: 'POST',
        body: { name: values.name, settings, ...(secret ? { secrets: { webhook: [secret], apiTokens: [] } } : {}) },
        version: creating ? 0 : version,
      });
      onSaved(id, secret);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const input = fieldInputs(values, set);
  return html`<form
    class="form"
    data-testid="project-form"
    onSubmit=${submit}
    aria-label=${creating ? 'New project' : `Edit project ${project.id}`}
  >
    <h3>${creating ? 'New project' : `Edit ${project.id}`}</h3>
    ${creating && html`<${Field} label="Id (slug, used in URLs)" name="id" error=${fields.id}>${input('id')}<//>`}
    <${Field} label="Name" name="name" error=${fields.name}>${input('name')}<//>
    <${Field} label="Largest payload (bytes)" name="maxPayloadBytes" error=${fields['settings.maxPayloadBytes']}
      >${input('maxPayloadBytes', 'number')}<//
    >
    <${Field}
      label="Idempotency-Key remembered for (ms)"
      name="idempotencyTtlMs"
      error=${fields['settings.idempotencyTtlMs']}
      >${input('idempotencyTtlMs', 'number')}<//
    >
    ${creating && html`<p class="muted">A webhook signing secret is generated in this browser and shown once after creation.</p>`}
    <${Notice}
      note=${error && { ok: false, text: error.message, action: error.status === 409 && html`<button type="button" class="button small" data-testid="reload" onClick=${onReload}>Reload</button>` }}
      testid="form-error"
    />
    <div class="actions">
      <button type="button" class="button ghost" onClick=${onCancel}>Cancel</button>
      <button type="submit" class="button" disabled=${busy} data-testid="save-project">
        ${creating ? 'Create project' : 'Save'}
      </button>
    </div>
  </form>`;
}

function ProjectDetail({ id, tick, onChanged, onDeleted }) {
  const [loaded, setLoaded] = useState(null);
  const [mode, setMode] = useState('view');
  const [note, setNote] = useState(null);
  const [formKey, setFormKey] = useState(0);
  const load = () => api(projectPath(id)).then(setLoaded, (error) => setNote({ ok: false, text: error.message }));
  useEffect(() => void load(), [id]);
  useEffect(() => {
    if (mode === 'view') void load();
  }, [tick]);
  if (!loaded) return html`<p class="muted">Loading ${id}…</p>`;
  const { result: project, version } = loaded;
  const remove = async () => {
    try {
      await api(projectPath(id), { method: 'DELETE', version });
      setMode('view');
      onDeleted();
    } catch (error) {
      setMode('view');
      setNote({ ok: false, text: error.message });
    }
  };
  return html`<div class="project-detail" data-testid="project-detail" data-version=${version}>
    ${
      mode === 'edit'
        ? html`<${ProjectForm}
            key=${formKey}
            project=${project}
            version=${version}
            onSaved=${() => {
              setMode('view');
              setNote({ ok: true, text: 'Project saved.' });
              void load();
              onChanged();
            }}
            onCancel=${() => setMode('view')}
            onReload=${async () => {
              await load();
              setFormKey((k) => k + 1);
            }}
          />`
        : html`<dl class="facts">
              <dt>Name</dt>
              <dd data-testid="project-name">${project.name}</dd>
              <dt>Largest payload</dt>
              <dd>${project.settings.maxPayloadBytes} bytes</dd>
              <dt>Idempotency window</dt>
              <dd>${project.settings.idempotencyTtlMs / 60000} min</dd>
              <dt>Version</dt>
              <dd class="mono">${version}</dd>
            </dl>
            <div class="actions left">
              <${ChangeButton} class="button small" data-testid="edit-project" onClick=${() => setMode('edit')}>
                Edit settings
              <//>
              <${ChangeButton}
                class="button small danger"
                data-testid="delete-project"
                onClick=${() => setMode('delete')}
              >
                Delete project
              <//>
            </div>`
    }
    <${Notice} note=${note} testid="project-note" />
    ${
      mode === 'delete' &&
      html`<${Confirm}
        title=${`Delete project ${id}?`}
        danger
        confirmLabel="Delete project"
        typeToConfirm=${id}
        onConfirm=${remove}
        onCancel=${() => setMode('view')}
      >
        <p>Its triggers are deleted with it; queued deliveries go to the dead-letter queue. This cannot be undone.</p>
      <//>`
    }
    <${SecretsPanel}
      project=${id}
      version=${version}
      onChanged=${() => {
        void load();
        onChanged();
      }}
    />
  </div>`;
}

export function ProjectsCard({ projects, loaded, selected, onSelect, tick, onChanged }) {
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState(null);
  return html`<section class="card projects" data-testid="projects" aria-labelledby="projects-h">
    <div class="card-head">
      <h2 id="projects-h">Projects</h2>
      <${ChangeButton} class="button small" data-testid="new-project" onClick=${() => setCreating(true)}>
        New project
      <//>
    </div>
    <div class="project-list" data-testid="project-list" role="group" aria-label="Choose a project">
      ${loaded && projects.length === 0 && html`<p class="muted">No projects yet.</p>`}
      ${projects.map(
        (p) =>
          html`<button
            key=${p.id}
            type="button"
            class=${`chip ${p.id === selected ? 'selected' : ''}`}
            data-project=${p.id}
            aria-pressed=${p.id === selected ? 'true' : 'false'}
            onClick=${() => onSelect(p.id)}
          >
            <strong>${p.id}</strong
            ><span class="muted"> ${p.name} · ${p.triggers.length} trigger${p.triggers.length === 1 ? '' : 's'}</span>
          </button>`,
      )}
    </div>
    ${created && html`<${ShownOnce} label=${`Signing secret of ${created.id}`} value=${created.secret} onDone=${() => setCreated(null)} />`}
    ${
      creating &&
      html`<${ProjectForm}
        onCancel=${() => setCreating(false)}
        onReload=${() => {}}
        onSaved=${(id, secret) => {
          setCreating(false);
          setCreated({ id, secret });
          onSelect(id);
          onChanged();
        }}
      />`
    }
    ${selected && html`<${ProjectDetail} key=${selected} id=${selected} tick=${tick} onChanged=${onChanged} onDeleted=${onChanged} />`}
  </section>`;
}
