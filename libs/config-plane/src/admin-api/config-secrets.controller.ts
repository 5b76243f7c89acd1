import { Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ADMIN_TOKENS, AdminAuthGuard, type AdminTokens, authorizeAdmin } from '@spaceport/app-runtime';
import { type ConfigRef, getProject, type Project, type ProjectSecrets } from '@spaceport/config-model';
import { ConfigAdminService, describeRef, httpError } from './config-admin.service';
import { parseIfMatch } from './http-mapping';
import {
  createApiToken,
  removeSecret,
  rotateWebhookSecret,
  type SecretsEdit,
  secretsView,
  type SecretsView,
} from './stored-secrets';

/** A created secret: its value is in this answer only. */
interface Created {
  result: { id: string; value: string; secrets: SecretsView };
  version: number;
}

/**
 * `…/projects/:project/secrets`: the project's signing secrets and API tokens by id (never a value),
 * rotate the signing secret (the new one signs beside the old ones until they are retired), create an
 * API token (answered once, stored as its SHA-256) and revoke one. Every change is a CAS on the
 * project's version (`If-Match`, default the version this gateway sees).
 */
@Controller('v1/config/projects/:project/secrets')
@UseGuards(AdminAuthGuard)
export class ConfigSecretsController {
  constructor(private readonly admin: ConfigAdminService) {}

  @Get()
  list(@Param('project') projectId: string): { result: SecretsView; version: number } {
    const { project, version } = this.stored(projectId, undefined);
    return { result: secretsView(project.secrets), version };
  }

  @Post('webhook')
  @HttpCode(201)
  rotate(@Param('project') projectId: string, @Headers('if-match') ifMatch: string | undefined): Promise<Created> {
    return this.edit(projectId, ifMatch, (secrets) => rotateWebhookSecret(secrets)) as Promise<Created>;
  }

  @Delete('webhook/:id')
  retire(
    @Param('project') projectId: string,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<{ result: { secrets: SecretsView }; version: number }> {
    return this.edit(projectId, ifMatch, (secrets) => removeSecret(secrets, 'webhook', id));
  }

  @Post('api-tokens')
  @HttpCode(201)
  createToken(@Param('project') projectId: string, @Headers('if-match') ifMatch: string | undefined): Promise<Created> {
    return this.edit(projectId, ifMatch, (secrets) => createApiToken(secrets)) as Promise<Created>;
  }

  @Delete('api-tokens/:id')
  revokeToken(
    @Param('project') projectId: string,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<{ result: { secrets: SecretsView }; version: number }> {
    return this.edit(projectId, ifMatch, (secrets) => removeSecret(secrets, 'apiTokens', id));
  }

  private stored(projectId: string, ifMatch: string | undefined): { project: Project; version: number } {
    const ref: ConfigRef = { kind: 'project', projectId };
    const project = getProject(this.admin.snapshot(), projectId);
    if (!project) throw httpError({ status: 404, body: { error: `${describeRef(ref)} not found` } });
    const wanted = parseIfMatch(ifMatch);
    if (!wanted.ok)
      throw httpError({
        status: 400,
        body: { error: wanted.message, issues: [{ field: 'If-Match', message: wanted.message }] },
      });
    if (wanted.version !== undefined && wanted.version !== project.version)
      throw httpError({
        status: 409,
        body: {
          error: `${describeRef(ref)} was changed by someone else (or does not match If-Match): read it again`,
          currentVersion: project.version,
        },
      });
    return { project: project.value, version: project.version };
  }

  private async edit(
    projectId: string,
    ifMatch: string | undefined,
    change: (secrets: ProjectSecrets) => SecretsEdit,
  ): Promise<{ result: { id?: string; value?: string; secrets: SecretsView }; version: number }> {
    const { project, version } = this.stored(projectId, ifMatch);
    const edited = change(project.secrets);
    if (!edited.ok) throw httpError({ status: edited.status, body: { error: edited.message } });
    const written = await this.admin.putAtVersion(
      { kind: 'project', projectId },
      { ...project, secrets: edited.secrets },
      version,
    );
    const secrets = secretsView(edited.secrets);
    return { result: edited.created ? { ...edited.created, secrets } : { secrets }, version: written };
  }
}

/** `GET /v1/config/access` → `{scope}`: what the presented admin token may do (`admin` or `read-only`). */
@Controller('v1/config/access')
@UseGuards(AdminAuthGuard)
export class ConfigAccessController {
  constructor(@Inject(ADMIN_TOKENS) private readonly tokens: AdminTokens) {}

  @Get()
  access(@Headers('authorization') authorization: string | undefined): { scope: 'admin' | 'read-only' } {
    const write = authorizeAdmin(this.tokens, authorization, 'write');
    return { scope: write.ok ? 'admin' : 'read-only' };
  }
}
