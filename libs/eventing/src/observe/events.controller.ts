import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ObserveAccess } from './observe-access';
import { type ListQuery, ObserveService } from './observe.service';

/** Event log, invocations, redelivery and DLQ redrive; a project token (as on the queue API) or the admin token (`ObserveAccess`). */
@Controller('v1/api/:project/eventing')
export class EventsController {
  constructor(
    private readonly access: ObserveAccess,
    private readonly observe: ObserveService,
  ) {}

  @Get('events')
  list(
    @Param('project') project: string,
    @Headers('authorization') auth: string | undefined,
    @Query() query: ListQuery,
  ): Promise<unknown> {
    this.access.authorize(project, auth, 'read');
    return this.observe.list(project, query);
  }

  @Get('events/:id')
  get(
    @Param('project') project: string,
    @Param('id') id: string,
    @Headers('authorization') auth: string | undefined,
  ): Promise<unknown> {
    this.access.authorize(project, auth, 'read');
    return this.observe.get(project, id);
  }

  @Post('events/:id/redeliver')
  @HttpCode(202)
  redeliver(
    @Param('project') project: string,
    @Param('id') id: string,
    @Headers('authorization') auth: string | undefined,
    @Body() body: { trigger?: unknown } | undefined,
  ): Promise<unknown> {
    this.access.authorize(project, auth, 'write');
    const trigger = typeof body?.trigger === 'string' ? body.trigger : undefined;
    return this.observe.redeliver(project, id, trigger);
  }

  @Get('dlq')
  deadLetters(
    @Param('project') project: string,
    @Headers('authorization') auth: string | undefined,
    @Query() query: { since?: string; trigger?: string; limit?: string; cursor?: string },
  ): Promise<unknown> {
    this.access.authorize(project, auth, 'read');
    return this.observe.deadLetters(project, query);
  }

  @Post('dlq/redrive')
  @HttpCode(202)
  redrive(
    @Param('project') project: string,
    @Headers('authorization') auth: string | undefined,
    @Body() body: { since?: unknown; trigger?: unknown } | undefined,
  ): Promise<unknown> {
    this.access.authorize(project, auth, 'write');
    return this.observe.redrive(
      project,
      typeof body?.since === 'string' || typeof body?.since === 'number' ? String(body.since) : undefined,
      body?.trigger,
    );
  }
}
