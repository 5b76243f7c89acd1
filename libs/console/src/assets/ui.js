// Small shared pieces: the read-only session and its controls, a modal confirmation, notices, labelled fields.
import { createContext, html, useContext, useEffect, useRef, useState } from './htm-preact.js';

/** Title of every control the read-only token cannot use. */
export const READ_ONLY_TITLE = 'The read-only admin token cannot change anything';

/**
 * Whether the signed-in token is the read-only one. The dashboard (app.js) provides it once; outside a
 * provider it reads `true`, so a control rendered without one fails closed (disabled).
 */
export const ReadOnlyContext = createContext(true);

/** The session's read-only flag, for what a read-only session shows differently (labels, hidden Save). */
export const useReadOnly = () => useContext(ReadOnlyContext);

/** `disabled` and `title` of a control that changes something: disabled with READ_ONLY_TITLE when read-only. */
function useChangeProps(disabled, title) {
  const readOnly = useReadOnly();
  return { disabled: readOnly || disabled, title: readOnly ? READ_ONLY_TITLE : title };
}

/**
 * A button that changes something (`type="button"` unless given). Read-only: disabled, titled
 * READ_ONLY_TITLE. Otherwise `disabled` and `title` as given; every other attribute passes through.
 */
export function ChangeButton({ disabled, title, children, ...attributes }) {
  return html`<button type="button" ...${attributes} ...${useChangeProps(disabled, title)}>${children}</button>`;
}

/** A fieldset of controls that change something: read-only, all of them disabled under READ_ONLY_TITLE. */
export function ChangeFieldset({ disabled, title, children, ...attributes }) {
  return html`<fieldset ...${attributes} ...${useChangeProps(disabled, title)}>${children}</fieldset>`;
}

/**
 * A modal `<dialog>` (focus stays inside, Escape cancels). With `typeToConfirm` the confirm button
 * stays disabled until that exact text is typed.
 */
export function Confirm({ title, children, confirmLabel, danger, typeToConfirm, onConfirm, onCancel, busy }) {
  const ref = useRef(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog && dialog.open && dialog.close();
  }, []);
  const blocked = busy || (typeToConfirm !== undefined && typed !== typeToConfirm);
  return html`<dialog
    ref=${ref}
    class="dialog"
    data-testid="confirm"
    aria-labelledby="confirm-title"
    onCancel=${(e) => {
      e.preventDefault();
      onCancel();
    }}
  >
    <form
      method="dialog"
      onSubmit=${(e) => {
        e.preventDefault();
        if (!blocked) onConfirm();
      }}
    >
      <h2 id="confirm-title">${title}</h2>
      <div class="dialog-body">${children}</div>
      ${
        typeToConfirm !== undefined &&
        html`<label class="field"
          >Type <code>${typeToConfirm}</code> to confirm
          <input
            data-testid="confirm-text"
            value=${typed}
            onInput=${(e) => setTyped(e.currentTarget.value)}
            autocomplete="off"
        /></label>`
      }
      <div class="actions">
        <button type="button" class="button ghost" onClick=${onCancel} data-testid="confirm-cancel">Cancel</button>
        <button type="submit" class=${`button ${danger ? 'danger' : ''}`} disabled=${blocked} data-testid="confirm-ok">
          ${confirmLabel || 'Confirm'}
        </button>
      </div>
    </form>
  </dialog>`;
}

/** An outcome line: `{ok, text}`; errors are announced to screen readers. */
export function Notice({ note, testid }) {
  if (!note) return null;
  return html`<p
    class=${`note ${note.ok ? 'ok' : 'error'}`}
    role=${note.ok ? 'status' : 'alert'}
    data-testid=${testid || 'notice'}
  >
    ${note.text}${note.action ? [' ', note.action] : ''}
  </p>`;
}

/** A labelled input with the API's message for it underneath. */
export function Field({ label, name, error, hint, children }) {
  const id = `f-${name}`;
  return html`<div class=${`field ${error ? 'has-error' : ''}`} data-field=${name}>
    <label for=${id}>${label}</label>
    ${children(id, error ? `${id}-error` : undefined)} ${hint && html`<small class="muted">${hint}</small>`}
    ${error && html`<small class="field-error" id=${`${id}-error`} data-testid="field-error">${error}</small>`}
  </div>`;
}

/**
 * Inputs for Field's `children` bound to a form's `values[name]` and `set(name)` handler: `(name, type,
 * extra) => (id, described) => <input>`. Marked `aria-invalid` exactly when the Field shows an error (it
 * passes `described` then), so the mark and the message come from one place.
 */
export const fieldInputs =
  (values, set) =>
  (name, type = 'text', extra = {}) =>
  (id, described) =>
    html`<input
      id=${id}
      name=${name}
      type=${type}
      value=${values[name]}
      onInput=${set(name)}
      aria-invalid=${described ? 'true' : undefined}
      aria-describedby=${described}
      ...${extra}
    />`;

/** A value shown once (a new secret or token), with the reason it will not be shown again. */
export function ShownOnce({ label, value, onDone }) {
  return html`<div class="shown-once" role="status" data-testid="shown-once">
    <strong>${label}</strong> — copy it now, it is not shown again:
    <code class="secret" data-testid="shown-value">${value}</code>
    <button type="button" class="button small ghost" onClick=${onDone}>Done</button>
  </div>`;
}

export const badge = (text, kind) => html`<span class=${`badge ${kind || text}`}>${text}</span>`;
