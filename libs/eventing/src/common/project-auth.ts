import { hash, timingSafeEqual } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import {
  type ConfigSnapshot,
  getProject,
  HASHED_TOKEN_PREFIX,
  isHashedApiToken,
  type Project,
} from '@spaceport/config-model';
import { ConfigAccess } from './config-access';
import { httpError, UnavailableError } from './http-errors';

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/** The digest a stored token stands for: a `sha256:<hex>` entry is already one. */
const storedDigest = (stored: string): Buffer =>
  isHashedApiToken(stored) ? Buffer.from(stored.slice(HASHED_TOKEN_PREFIX.length), 'hex') : digest(stored);

/** Digests of a config's token list, computed once per list (a config snapshot's arrays are immutable). */
const acceptedDigests = new WeakMap<readonly string[], readonly Buffer[]>();

function digestsOf(accepted: readonly string[]): readonly Buffer[] {
  let digests = acceptedDigests.get(accepted);
  if (!digests) {
    digests = accepted.map(storedDigest);
    acceptedDigests.set(accepted, digests);
  }
  return digests;
}

/** True when `token` equals one of `accepted` (or hashes to a `sha256:` entry); constant time over SHA-256 digests. */
export function tokenAccepted(token: string | undefined, accepted: readonly string[]): boolean {
  if (token === undefined) return false;
  const presented = digest(token);
  let ok = false;
  for (const candidate of digestsOf(accepted)) ok = timingSafeEqual(presented, candidate) || ok;
  return ok;
}

/** A project's API-token check, shared by the queue API and the observe API. */
@Injectable()
export class ProjectAuth {
  constructor(private readonly config: ConfigAccess) {}

  /**
   * The project after checking the bearer token: 503 without config, 401 bad token. An unknown project
   * answers the same 401 as a wrong token (its tokens are none), so no project names can be probed.
   */
  authorize(projectId: string, authorization: string | undefined): { snapshot: ConfigSnapshot; project: Project } {
    const snapshot = this.config.current();
    if (!snapshot) throw new UnavailableError('configuration not loaded yet');
    const project = getProject(snapshot, projectId);
    // the presented token is digested either way: an unknown project costs what a known one does
    const accepted = tokenAccepted(bearerToken(authorization), project?.value.secrets.apiTokens ?? []);
    if (!project || !accepted) {
      throw httpError(
        HttpStatus.UNAUTHORIZED,
        'Unauthorized',
        'a valid project token is required (Authorization: Bearer <token>)',
      );
    }
    return { snapshot, project: project.value };
  }
}
