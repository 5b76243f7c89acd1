// The trigger form: every field of a trigger, the API's validation message on its field, a 409 with Reload.
import { api, projectPath } from './api.js';
import { html, useEffect, useState } from './htm-preact.js';
import { ChangeFieldset, Field, fieldInputs, Notice, useReadOnly } from './ui.js';

const REDACTED = '[redacted]';
const numberText = (n) => (n === undefined || n === null ? '' : String(n));
const jsonText = (v) => (v === undefined || v === null ? '' : JSON.stringify(v, null, 2));

function toValues(t) {
  return {
    id: t ? t.id : '',
    type: t ? t.type : '',
    url: t ? t.url : '',
    headers: t ? Object.entries(t.headers || {}).map(([name, value]) => ({ name, value })) : [],
    retries: numberText(t && t.retries),
    timeout: numberText(t && t.timeout),
    baseDelayMs: numberText(t && t.retrySchedule && t.retrySchedule.baseDelayMs),
    maxDelayMs: numberText(t && t.retrySchedule && t.retrySchedule.maxDelayMs),
    filter: jsonText(t && t.filter),
    options: jsonText(t && t.options),
    ordered: t ? t.ordered : false,
    rateLimit: numberText(t && t.rateLimit),
    enabled: t ? t.enabled : true,
  };
}

/** Form values → the API body; JSON fields that do not parse are reported as field issues here. */
function toBody(v) {
  const issues = {};
  const num = (text) => (text.trim() === '' ? undefined : Number(text));
  const json = (name) => {
    if (v[name].trim() === '') return undefined;
    try {
      return JSON.parse(v[name]);
    } catch (error) {
      issues[name] = `is not JSON: ${error.message}`;
      return undefined;
    }
  };
  const schedule =
    v.baseDelayMs.trim() || v.maxDelayMs.trim()
      ? { baseDelayMs: num(v.baseDelayMs), maxDelayMs: num(v.maxDelayMs) }
      : undefined;
  const body = {
    type: v.type.trim(),
    url: v.url.trim(),
    headers: Object.fromEntries(v.headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value])),
    retries: num(v.retries),
    timeout: num(v.timeout),
    retrySchedule: schedule,
    filter: json('filter'),
    options: json('options'),
    ordered: v.ordered,
    rateLimit: num(v.rateLimit),
    enabled: v.enabled,
  };
  return { body, issues };
}

/** The API's message for a field: exact, else the first issue inside it (`retrySchedule.maxDelayMs`). */
function errorFor(fields, name) {
  if (fields[name]) return fields[name];
  const key = Object.keys(fields).find((f) => f.startsWith(`${name}.`));
  return key ? `${key.slice(name.length + 1)}: ${fields[key]}` : undefined;
}

export function TriggerForm({ project, triggerId, onSaved, onCancel }) {
  const readOnly = useReadOnly();
  const creating = !triggerId;
  const [values, setValues] = useState(creating ? toValues(null) : null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const path = (id) => `${projectPath(project)}/eventing/triggers/${encodeURIComponent(id)}`;
  const load = async () => {
    const answer = await api(path(triggerId));
    setValues(toValues(answer.result));
    setVersion(answer.version);
    setError(null);
  };
  useEffect(() => {
    if (!creating) load().catch(setError);
  }, []);
  if (!values) return html`<p class="muted">Loading ${triggerId}…</p>`;
  const fields = (error && error.fields) || {};
  const set = (name) => (e) =>
    setValues({
      ...values,
      [name]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value,
    });
  const setHeader = (i, key) => (e) =>
    setValues({
      ...values,
      headers: values.headers.map((h, j) => (j === i ? { ...h, [key]: e.currentTarget.value } : h)),
    });
  const submit = async (e) => {
    e.preventDefault();
    const id = creating ? values.id.trim() : triggerId;
    const { body, issues } = toBody(values);
    if (creating && !id) issues.id = 'is required';
    if (Object.keys(issues).length) return setError({ message: 'Fix the fields marked below.', fields: issues });
    setBusy(true);
    try {
      await api(path(id), { method: 'POST', body, version: creating ? 0 : version });
      onSaved(id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const input = fieldInputs(values, set);
  const textarea = (name) => (id, described) =>
    html`<textarea
      id=${id}
      name=${name}
      rows="3"
      class="mono"
      value=${values[name]}
      onInput=${set(name)}
      aria-invalid=${described ? 'true' : undefined}
      aria-describedby=${described}
    ></textarea>`;
  const reload = html`<button
    type="button"
    class="button small"
    data-testid="reload"
    onClick=${() => load().catch(setError)}
  >
    Reload
  </button>`;
  return html`<form
    class="form trigger-form"
    data-testid="trigger-form"
    onSubmit=${submit}
    aria-label=${creating ? 'New trigger' : `Trigger ${triggerId}`}
  >
    <h3>
      ${creating ? 'New trigger' : `${readOnly ? 'Trigger' : 'Edit trigger'} ${triggerId}`}
      ${!creating && html`<small class="muted">version ${version}</small>`}
    </h3>
    <${ChangeFieldset}>
      <div class="grid">
        ${creating && html`<${Field} label="Id (slug)" name="id" error=${fields.id}>${input('id')}<//>`}
        <${Field} label="Event type" name="type" error=${errorFor(fields, 'type')}>${input('type')}<//>
        <${Field} label="Webhook URL" name="url" error=${errorFor(fields, 'url')}>${input('url', 'url')}<//>
        <${Field} label="Retries" name="retries" hint="empty: the cluster default" error=${errorFor(fields, 'retries')}
          >${input('retries', 'number')}<//
        >
        <${Field}
          label="Timeout per attempt (ms)"
          name="timeout"
          hint="empty or 0: the cluster default"
          error=${errorFor(fields, 'timeout')}
          >${input('timeout', 'number')}<//
        >
        <${Field}
          label="Retry base delay (ms)"
          name="baseDelayMs"
          hint="empty: the cluster schedule"
          error=${errorFor(fields, 'retrySchedule.baseDelayMs') || fields.retrySchedule}
          >${input('baseDelayMs', 'number')}<//
        >
        <${Field} label="Retry max delay (ms)" name="maxDelayMs" error=${errorFor(fields, 'retrySchedule.maxDelayMs')}
          >${input('maxDelayMs', 'number')}<//
        >
        <${Field}
          label="Rate limit (deliveries/s)"
          name="rateLimit"
          hint="empty: unlimited"
          error=${errorFor(fields, 'rateLimit')}
          >${input('rateLimit', 'number', { step: 'any' })}<//
        >
      </div>
      <div class="checks">
        <label
          ><input type="checkbox" name="ordered" checked=${values.ordered} onChange=${set('ordered')} /> Ordered (one at
          a time per partition key)</label
        >
        <label
          ><input type="checkbox" name="enabled" checked=${values.enabled} onChange=${set('enabled')} /> Enabled</label
        >
      </div>
      <fieldset class="headers" data-field="headers">
        <legend>Headers</legend>
        <small class="muted">A value shown as ${REDACTED} keeps its stored value.</small>
        ${values.headers.map(
          (h, i) =>
            html`<div class="header-row" key=${i}>
              <input
                aria-label=${`Header ${i + 1} name`}
                data-testid="header-name"
                value=${h.name}
                onInput=${setHeader(i, 'name')}
              />
              <input
                aria-label=${`Header ${i + 1} value`}
                data-testid="header-value"
                value=${h.value}
                onInput=${setHeader(i, 'value')}
              />
              <button
                type="button"
                class="button small ghost"
                aria-label=${`Remove header ${h.name || i + 1}`}
                onClick=${() => setValues({ ...values, headers: values.headers.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
              ${errorFor(fields, `headers.${h.name}`) && html`<small class="field-error" data-testid="field-error">${errorFor(fields, `headers.${h.name}`)}</small>`}
            </div>`,
        )}
        ${fields.headers && html`<small class="field-error" data-testid="field-error">${fields.headers}</small>`}
        <button
          type="button"
          class="button small ghost"
          data-testid="add-header"
          onClick=${() => setValues({ ...values, headers: [...values.headers, { name: '', value: '' }] })}
        >
          Add header
        </button>
      </fieldset>
      <div class="grid two">
        <${Field}
          label="Payload filter (JSON)"
          name="filter"
          hint='e.g. [{"path": "amount", "op": "gte", "value": 100}] or a Space Cloud rule; empty: every event'
          error=${errorFor(fields, 'filter')}
          >${textarea('filter')}<//
        >
        <${Field}
          label="Options (JSON object, Space Cloud)"
          name="options"
          hint="all must equal the options queued with the event"
          error=${errorFor(fields, 'options')}
          >${textarea('options')}<//
        >
      </div>
    <//>
    <${Notice}
      note=${error && { ok: false, text: error.message, action: error.status === 409 && reload }}
      testid="form-error"
    />
    <div class="actions">
      <button type="button" class="button ghost" onClick=${onCancel}>${readOnly ? 'Close' : 'Cancel'}</button>
      ${!readOnly && html`<button type="submit" class="button" disabled=${busy} data-testid="save-trigger">${creating ? 'Create trigger' : 'Save'}</button>`}
    </div>
  </form>`;
}
