import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MAX_MAX_PAYLOAD_BYTES } from '@spaceport/config-model';

/** Envelope room around the largest payload a project may allow (batch bodies carry many). */
export const JSON_BODY_LIMIT_BYTES = MAX_MAX_PAYLOAD_BYTES + 1024 * 1024;

interface BodyParserAdapter {
  useBodyParser?(type: 'json', rawBody: boolean, options: { limit: number }): unknown;
  isMiddlewareApplied?(name: string): boolean;
}

/**
 * Nest's default JSON parser stops at 100 KiB, below the 256 KiB default project limit. Registered
 * while the module graph is built (before Nest adds its own parsers), the `json` parser here with a
 * larger limit replaces Nest's (Nest skips parsers already applied). Per-project limits are checked
 * on the payload by the ingest service (413).
 */
@Injectable()
export class JsonBodyLimit {
  constructor(host: HttpAdapterHost) {
    const adapter = host.httpAdapter as unknown as BodyParserAdapter | undefined;
    if (adapter?.useBodyParser && adapter.isMiddlewareApplied?.('jsonParser') === false) {
      adapter.useBodyParser('json', false, { limit: JSON_BODY_LIMIT_BYTES });
    }
  }
}
