import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '@spaceport/app-runtime';
import {
  type ConfigRef,
  type EventingSettings,
  getProject,
  getTrigger,
  type RedactedProject,
  redactProject,
  redactTrigger,
  type Trigger,
} from '@spaceport/config-model';
import { ConfigAdminService, describeRef, httpError, type Versioned } from './config-admin.service';
import { etagOf } from './http-mapping';

/** The part of Express's response used here (no @types/express in the workspace). */
interface HeaderResponse {
  setHeader(name: string, value: string): unknown;
}

const notFound = (ref: ConfigRef) => httpError({ status: 404, body: { error: `${describeRef(ref)} not found` } });

/** Space Cloud's project eventing config carries these; eventing settings here are cluster-wide. */
function withoutSpaceCloudEventingFields(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { enabled: _enabled, dbAlias: _dbAlias, ...rest } = body as Record<string, unknown>;
  return rest;
}

/**
 * Config admin API, Space Cloud–style paths. Responses: `{ result, version }` with `ETag: "<version>"`;
 * secrets are write-only (redacted in every response). Writes honour `If-Match`.
 */
@Controller('v1/config/projects/:project')
@UseGuards(AdminAuthGuard)
export class ConfigAdminController {
  constructor(private readonly admin: ConfigAdminService) {}

  @Get()
  getProject(
    @Param('project') projectId: string,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Versioned<RedactedProject> {
    const project = getProject(this.admin.snapshot(), projectId);
    if (!project) throw notFound({ kind: 'project', projectId });
    res.setHeader('ETag', etagOf(project.version));
    return { result: redactProject(project.value), version: project.version };
  }

  @Post()
  @HttpCode(200)
  async putProject(
    @Param('project') projectId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<Versioned<RedactedProject>> {
    const ref: ConfigRef = { kind: 'project', projectId };
    const version = await this.admin.put(ref, body, ifMatch);
    const project = getProject(this.admin.snapshot(), projectId);
    res.setHeader('ETag', etagOf(project?.version ?? version));
    if (!project) throw notFound(ref);
    return { result: redactProject(project.value), version: project.version };
  }

  @Delete()
  async deleteProject(
    @Param('project') projectId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<{ result: 'deleted'; version: number }> {
    return { result: 'deleted', version: await this.admin.delete({ kind: 'project', projectId }, ifMatch) };
  }

  @Get('eventing/triggers')
  listTriggers(@Param('project') projectId: string): { result: Trigger[]; versions: Record<string, number> } {
    const project = getProject(this.admin.snapshot(), projectId);
    if (!project) throw notFound({ kind: 'project', projectId });
    const triggers = Object.values(project.triggers).sort((a, b) => (a.value.id < b.value.id ? -1 : 1));
    return {
      result: triggers.map((t) => redactTrigger(t.value)),
      versions: Object.fromEntries(triggers.map((t) => [t.value.id, t.version])),
    };
  }

  @Get('eventing/triggers/:id')
  getTrigger(
    @Param('project') projectId: string,
    @Param('id') triggerId: string,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Versioned<Trigger> {
    const trigger = getTrigger(this.admin.snapshot(), projectId, triggerId);
    if (!trigger) throw notFound({ kind: 'trigger', projectId, triggerId });
    res.setHeader('ETag', etagOf(trigger.version));
    return { result: redactTrigger(trigger.value), version: trigger.version };
  }

  @Post('eventing/triggers/:id')
  @HttpCode(200)
  async putTrigger(
    @Param('project') projectId: string,
    @Param('id') triggerId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<Versioned<Trigger>> {
    const ref: ConfigRef = { kind: 'trigger', projectId, triggerId };
    const version = await this.admin.put(ref, body, ifMatch);
    const trigger = getTrigger(this.admin.snapshot(), projectId, triggerId);
    res.setHeader('ETag', etagOf(trigger?.version ?? version));
    if (!trigger) throw notFound(ref);
    return { result: redactTrigger(trigger.value), version: trigger.version };
  }

  @Delete('eventing/triggers/:id')
  async deleteTrigger(
    @Param('project') projectId: string,
    @Param('id') triggerId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<{ result: 'deleted'; version: number }> {
    return { result: 'deleted', version: await this.admin.delete({ kind: 'trigger', projectId, triggerId }, ifMatch) };
  }

  @Get('eventing/config')
  getEventing(
    @Param('project') projectId: string,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Versioned<EventingSettings> {
    const snapshot = this.admin.snapshot();
    if (!getProject(snapshot, projectId)) throw notFound({ kind: 'project', projectId });
    res.setHeader('ETag', etagOf(snapshot.eventing.version));
    return { result: snapshot.eventing.value, version: snapshot.eventing.version };
  }

  @Post('eventing/config')
  @HttpCode(200)
  async putEventing(
    @Param('project') projectId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: HeaderResponse,
  ): Promise<Versioned<EventingSettings>> {
    if (!getProject(this.admin.snapshot(), projectId)) throw notFound({ kind: 'project', projectId });
    await this.admin.put({ kind: 'eventing' }, withoutSpaceCloudEventingFields(body), ifMatch);
    const eventing = this.admin.snapshot().eventing;
    res.setHeader('ETag', etagOf(eventing.version));
    return { result: eventing.value, version: eventing.version };
  }
}
