import {
  getProject,
  getTrigger,
  hashApiToken,
  isPlainObject,
  newApiToken,
  newWebhookSecret,
  type ConfigRef,
  type ConfigSnapshot,
  type ProjectSecrets,
  REDACTED,
  redactUrlCredentials,
  secretIdOf,
  isHashedApiToken,
} from '@spaceport/config-model';

/** A write body with what it took from the stored entry, and that entry's version (a CAS on it). */
export interface FilledBody {
  body: unknown;
  /** set when stored values were used: the write must be a CAS on exactly this version */
  basedOn: number | undefined;
}

/**
 * Pure: secrets are write-only, so an edit cannot send them back. A project body without `secrets` keeps
 * the stored ones; a trigger header whose value is `[redacted]` keeps the stored value of that header, and
 * a trigger URL sent as read APIs show it (credentials redacted) keeps the stored URL.
 * Anything else (a new project, a new header, eventing settings) passes unchanged.
 */
export function fillFromStored(ref: ConfigRef, body: unknown, snapshot: ConfigSnapshot): FilledBody {
  const unchanged = { body, basedOn: undefined };
  if (!isPlainObject(body)) return unchanged;
  if (ref.kind === 'project') {
    const stored = getProject(snapshot, ref.projectId);
    if (!stored || 'secrets' in body) return unchanged;
    return { body: { ...body, secrets: stored.value.secrets }, basedOn: stored.version };
  }
  if (ref.kind === 'trigger') {
    const stored = getTrigger(snapshot, ref.projectId, ref.triggerId);
    if (!stored) return unchanged;
    let filled: Record<string, unknown> = body;
    // the URL as read APIs show it (user-info redacted) keeps the stored URL with its credentials
    const url = stored.value.url;
    if (body['url'] !== url && body['url'] === redactUrlCredentials(url)) filled = { ...filled, url };
    const headers = isPlainObject(body['headers']) ? body['headers'] : {};
    const kept = Object.keys(headers).filter(
      (name) => headers[name] === REDACTED && stored.value.headers[name] !== undefined,
    );
    if (kept.length > 0)
      filled = {
        ...filled,
        headers: { ...headers, ...Object.fromEntries(kept.map((name) => [name, stored.value.headers[name]])) },
      };
    return filled === body ? unchanged : { body: filled, basedOn: stored.version };
  }
  return unchanged;
}

export interface SecretsView {
  /** signing secrets, newest first (all sign during a rotation) */
  webhook: { id: string }[];
  apiTokens: { id: string; hashed: boolean }[];
}

/** Pure: the secrets by id only (never a value). */
export function secretsView(secrets: ProjectSecrets): SecretsView {
  return {
    webhook: secrets.webhook.map((value) => ({ id: secretIdOf(value) })),
    apiTokens: secrets.apiTokens.map((value) => ({ id: secretIdOf(value), hashed: isHashedApiToken(value) })),
  };
}

export type SecretsEdit =
  | { ok: true; secrets: ProjectSecrets; created?: { id: string; value: string } }
  | { ok: false; status: 404 | 409; message: string };

/** Pure but random: a new signing secret first; the old ones keep signing until retired (max 10). */
export function rotateWebhookSecret(secrets: ProjectSecrets, value = newWebhookSecret()): SecretsEdit {
  if (secrets.webhook.length >= 10)
    return { ok: false, status: 409, message: 'a project holds at most 10 signing secrets: retire an old one first' };
  return {
    ok: true,
    secrets: { ...secrets, webhook: [value, ...secrets.webhook] },
    created: { id: secretIdOf(value), value },
  };
}

/** Pure but random: a new API token, stored as its hash; the value is returned once. */
export function createApiToken(secrets: ProjectSecrets, value = newApiToken()): SecretsEdit {
  if (secrets.apiTokens.length >= 20)
    return { ok: false, status: 409, message: 'a project holds at most 20 API tokens: revoke one first' };
  const stored = hashApiToken(value);
  return {
    ok: true,
    secrets: { ...secrets, apiTokens: [...secrets.apiTokens, stored] },
    created: { id: secretIdOf(stored), value },
  };
}

/** Pure: drops the secret with this id (`webhook` keeps at least one signing secret). */
export function removeSecret(secrets: ProjectSecrets, kind: 'webhook' | 'apiTokens', id: string): SecretsEdit {
  const list = secrets[kind];
  const kept = list.filter((value) => secretIdOf(value) !== id);
  if (kept.length === list.length)
    return {
      ok: false,
      status: 404,
      message: `no ${kind === 'webhook' ? 'signing secret' : 'API token'} with id "${id}"`,
    };
  if (kind === 'webhook' && kept.length === 0)
    return { ok: false, status: 409, message: 'the last signing secret cannot be retired: rotate first' };
  return { ok: true, secrets: { ...secrets, [kind]: kept } };
}
