import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ADMIN_TOKENS, type AdminScope, type AdminTokens, authorizeAdmin } from '@spaceport/app-runtime';
import { type ConfigSnapshot, getProject, type Project } from '@spaceport/config-model';
import { httpError, UnavailableError } from '../common/http-errors';
import { ConfigAccess } from '../common/config-access';
import { ProjectAuth } from '../common/project-auth';

/**
 * Who may read a project's event log and act on it (redeliver, redrive, enable a trigger): one of the
 * project's API tokens, as on the queue API, or the gateway's admin token — the operator's token, which
 * the web console uses. `ADMIN_READ_TOKEN` may read (GET) only. Queueing events stays project-token only.
 */
@Injectable()
export class ObserveAccess {
  constructor(
    private readonly projectAuth: ProjectAuth,
    private readonly config: ConfigAccess,
    @Inject(ADMIN_TOKENS) private readonly adminTokens: AdminTokens,
  ) {}

  /** The project after the token check: 503 without config, 404 unknown project, 401 no valid token, 403 read token on a write. */
  authorize(
    projectId: string,
    authorization: string | undefined,
    needed: AdminScope,
  ): { snapshot: ConfigSnapshot; project: Project } {
    const admin = authorizeAdmin(this.adminTokens, authorization, needed);
    if (admin.ok) return this.projectOf(projectId);
    if (admin.status === HttpStatus.FORBIDDEN)
      throw httpError(HttpStatus.FORBIDDEN, 'Forbidden', 'the read-only admin token can only read the event log');
    try {
      return this.projectAuth.authorize(projectId, authorization);
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() !== HttpStatus.UNAUTHORIZED) throw error;
      throw httpError(
        HttpStatus.UNAUTHORIZED,
        'Unauthorized',
        'a valid project token or the gateway admin token is required (Authorization: Bearer <token>)',
      );
    }
  }

  private projectOf(projectId: string): { snapshot: ConfigSnapshot; project: Project } {
    const snapshot = this.config.current();
    if (!snapshot) throw new UnavailableError('configuration not loaded yet');
    const project = getProject(snapshot, projectId);
    if (!project)
      throw httpError(HttpStatus.NOT_FOUND, 'Not Found', `project ${JSON.stringify(projectId)} does not exist`);
    return { snapshot, project: project.value };
  }
}
