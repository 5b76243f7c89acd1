import { HttpException, Inject, Injectable, Optional } from '@nestjs/common';
import { type ConfigRef, type ConfigSnapshot, getProject, parseConfigValue } from '@spaceport/config-model';
import { type SsrfPolicyOptions } from '@spaceport/eventing-core';
import { configWriteOf, versionOfEntry } from '@spaceport/config-store';
import { ConfigMirrorService } from '../mirror/config-mirror.service';
import { type WriteCommand } from '../protocol';
import { type HttpOutcome, invalidBody, parseIfMatch, refusalToHttp } from './http-mapping';
import { fillFromStored } from './stored-secrets';
import { WEBHOOK_TARGET_POLICY, WebhookTargetCheck } from './webhook-targets';

const READ_YOUR_WRITES_MS = 3_000;

export interface Versioned<T> {
  result: T;
  version: number;
}

/** Raised as the HTTP answer; the body never contains config values. */
export function httpError(outcome: HttpOutcome): HttpException {
  return new HttpException(outcome.body, outcome.status);
}

export function describeRef(ref: ConfigRef): string {
  switch (ref.kind) {
    case 'eventing':
      return 'eventing config';
    case 'project':
      return `project "${ref.projectId}"`;
    case 'trigger':
      return `trigger "${ref.triggerId}" of project "${ref.projectId}"`;
  }
}

/**
 * The config admin API's logic: reads come from the mirrored snapshot, writes go to the
 * config-service (single writer) as CAS on the version the client read (`If-Match`) or, without
 * it, on the version this gateway sees. A successful write waits until this gateway's mirror has it.
 */
@Injectable()
export class ConfigAdminService {
  private readonly targets: WebhookTargetCheck | undefined;

  constructor(
    @Inject(ConfigMirrorService) private readonly mirror: ConfigMirrorService,
    @Optional() @Inject(WEBHOOK_TARGET_POLICY) targetPolicy?: SsrfPolicyOptions,
  ) {
    this.targets = targetPolicy && new WebhookTargetCheck(targetPolicy);
  }

  snapshot(): ConfigSnapshot {
    const snapshot = this.mirror.current();
    if (!snapshot)
      throw httpError({ status: 503, body: { error: 'config not loaded yet (config-service unreachable?)' } });
    return snapshot;
  }

  /**
   * Validates `body` for `ref` (400 with field issues; a trigger URL the SSRF guard refuses, by its
   * address or by what its name resolves to, is one) and writes it. A trigger of a project that does
   * not exist: 404 saying so. Secrets the body leaves out (a project without `secrets`, a `[redacted]`
   * header) keep their stored values: then the write is a CAS on the version they were read at, and an
   * `If-Match` naming another version is a 409.
   */
  async put(ref: ConfigRef, body: unknown, ifMatch: string | undefined): Promise<number> {
    const filled = fillFromStored(ref, body, this.snapshot());
    const expected = this.expectedVersion(ref, ifMatch);
    if (filled.basedOn !== undefined && ifMatch !== undefined && ifMatch.trim() !== '' && expected !== filled.basedOn) {
      throw httpError(
        refusalToHttp({ ok: false, reason: 'conflict', currentVersion: filled.basedOn }, describeRef(ref)),
      );
    }
    return this.putAtVersion(ref, filled.body, filled.basedOn ?? expected);
  }

  /** Validates and writes `body` as a CAS on `expectedVersion` (0: must not exist yet). */
  async putAtVersion(ref: ConfigRef, body: unknown, expectedVersion: number): Promise<number> {
    const parsed = parseConfigValue(ref, body);
    if (!parsed.ok) throw httpError(invalidBody(parsed.error.issues));
    if (ref.kind === 'trigger' && !getProject(this.snapshot(), ref.projectId)) {
      const error = `project "${ref.projectId}" does not exist: create it before its triggers`;
      throw httpError({ status: 404, body: { error } });
    }
    const entry = parsed.entry;
    if (entry.kind === 'trigger' && this.targets) {
      const refusal = await this.targets.refusal(entry.value.url);
      if (refusal) throw httpError(invalidBody([{ field: 'url', message: refusal }]));
    }
    return this.send(ref, { op: 'put', write: configWriteOf(entry), expectedVersion });
  }

  async delete(ref: ConfigRef, ifMatch: string | undefined): Promise<number> {
    return this.send(ref, { op: 'delete', ref, expectedVersion: this.expectedVersion(ref, ifMatch) });
  }

  private expectedVersion(ref: ConfigRef, ifMatch: string | undefined): number {
    const parsed = parseIfMatch(ifMatch);
    if (!parsed.ok)
      throw httpError({
        status: 400,
        body: { error: parsed.message, issues: [{ field: 'If-Match', message: parsed.message }] },
      });
    return parsed.version ?? versionOfEntry(this.snapshot(), ref) ?? 0;
  }

  private async send(ref: ConfigRef, command: WriteCommand): Promise<number> {
    const reply = await this.mirror.write(command);
    if (!reply.ok) throw httpError(refusalToHttp(reply, describeRef(ref)));
    await this.mirror.awaitVersion(reply.version, READ_YOUR_WRITES_MS);
    return reply.version;
  }
}
