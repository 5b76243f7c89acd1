import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '@spaceport/app-runtime';
import { type ConfigSnapshot, redactTrigger } from '@spaceport/config-model';
import { ConfigAdminService } from './config-admin.service';

export interface TriggerSummary {
  id: string;
  type: string;
  /** as configured, user-info redacted */
  url: string;
  enabled: boolean;
}

export interface ProjectSummary {
  id: string;
  name: string;
  version: number;
  triggers: TriggerSummary[];
}

const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Pure: every project of a snapshot with its triggers, sorted by id; no secrets, no header values. */
export function projectSummaries(snapshot: ConfigSnapshot): ProjectSummary[] {
  return Object.values(snapshot.projects)
    .map(({ value, version, triggers }) => ({
      id: value.id,
      name: value.name,
      version,
      triggers: Object.values(triggers)
        .map(({ value: trigger }) => {
          const { id, type, url, enabled } = redactTrigger(trigger);
          return { id, type, url, enabled };
        })
        .sort(byId),
    }))
    .sort(byId);
}

/** `GET /v1/config/projects`: the projects this gateway knows, each with its triggers (the console's project list). */
@Controller('v1/config/projects')
@UseGuards(AdminAuthGuard)
export class ConfigProjectsController {
  constructor(private readonly admin: ConfigAdminService) {}

  @Get()
  list(): { result: ProjectSummary[]; version: number } {
    const snapshot = this.admin.snapshot();
    return { result: projectSummaries(snapshot), version: snapshot.version };
  }
}
