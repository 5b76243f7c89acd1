// The gateway API as the console uses it: bearer token, JSON, errors a person can read.
/* global sessionStorage, window, CustomEvent */
const TOKEN_KEY = 'spaceport.console.adminToken';

export const session = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  /** 'admin' | 'read-only' once signed in */
  scope: '',
  save(token) {
    this.token = token;
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(explain(status, body));
    this.status = status;
    this.body = body;
    /** field → message, from a 400's `issues` */
    this.fields = Object.fromEntries((body.issues || []).map((i) => [i.field, i.message]));
  }
}

/** What a failed call means, in words: 403 and 409 are explained rather than quoted. */
function explain(status, body) {
  const said = body.message || body.error || `HTTP ${status}`;
  if (status === 403)
    return 'Not allowed: you are signed in with the read-only admin token (ADMIN_READ_TOKEN), which can look but not change anything. Sign in with ADMIN_TOKEN to make changes.';
  if (status === 400 && Array.isArray(body.issues) && body.issues.length)
    return `Not saved: ${body.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`;
  if (status === 409 && body.currentVersion !== undefined)
    return `Someone else changed this since you opened it (now version ${body.currentVersion}). Reload to see their change, then edit again.`;
  return said;
}

/** `api(path, {method, body, version})`: `version` is sent as If-Match. Throws ApiError. */
export async function api(path, options = {}) {
  const headers = { authorization: `Bearer ${session.token}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.version !== undefined) headers['if-match'] = `"${options.version}"`;
  const res = await fetch(path, {
    method: options.method || 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    cache: 'no-store',
  });
  const text = await res.text();
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text };
  }
  if (!res.ok) {
    if (res.status === 401 && session.token) window.dispatchEvent(new CustomEvent('spaceport:unauthorized'));
    throw new ApiError(res.status, body);
  }
  return body;
}

export const enc = encodeURIComponent;
export const projectPath = (project) => `/v1/config/projects/${enc(project)}`;
export const eventingPath = (project) => `/v1/api/${enc(project)}/eventing`;

const pad = (n) => String(n).padStart(2, '0');
const zoneOf = (date) =>
  new Intl.DateTimeFormat('en-US', { timeZoneName: 'shortOffset' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value || '';

/** `2026-12-06 19:31:25 GMT+1`: the browser's local time, with its zone. */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zoneOf(d)}`;
}

/** A `datetime-local` input's value (local time) → RFC 3339, or '' when empty. */
export function localInputToIso(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
