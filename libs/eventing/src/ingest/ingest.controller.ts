import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { UnavailableError } from '../common/http-errors';
import { type ClosableResponse, clientGoneSignal } from './client-gone';
import { IngestService } from './ingest.service';

/** The bit of express's response used here (express types are not installed). */
export interface HeaderSink extends ClosableResponse {
  setHeader(name: string, value: string): unknown;
  status(code: number): unknown;
}

/**
 * `POST /v1/api/:project/eventing/queue` (Space Cloud body + partitionKey; 200 with the webhook's answer
 * for `isSynchronous`) and `/queue/batch`.
 */
@Controller('v1/api/:project/eventing')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post('queue')
  @HttpCode(202)
  queue(
    @Param('project') project: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<unknown> {
    const clientGone = () => clientGoneSignal(res);
    return this.run(res, { project, authorization, idempotencyKey, body, batch: false, clientGone });
  }

  @Post('queue/batch')
  @HttpCode(202)
  queueBatch(
    @Param('project') project: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<unknown> {
    return this.run(res, { project, authorization, idempotencyKey, body, batch: true });
  }

  private async run(res: HeaderSink, request: Parameters<IngestService['queue']>[0]): Promise<unknown> {
    try {
      const { status, response, replayed } = await this.ingest.queue(request);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(status);
      return response;
    } catch (error) {
      if (error instanceof UnavailableError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }
}
