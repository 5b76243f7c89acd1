import * as z from 'zod';
import { BlockingQuery, type BlockingQueryOptions, type BlockingFetchRequest } from './blocking-query';
import { kvRawEntrySchema, type KvRawEntry } from './kv';
import { type ConsulClient } from './client';
import { type ClientCall, parseConsulIndex, unpackResponse } from './consul-request';

/** Options shared by the watches: everything of BlockingQueryOptions but the fetch. */
export type WatchOptions<T> = Omit<BlockingQueryOptions<T>, 'fetch'>;

/** Blocking read of a single key (full key, no prefix added); undefined when the key is absent. */
export async function blockingGetKey(
  client: ConsulClient,
  key: string,
  request: BlockingFetchRequest,
): Promise<{ index: number | undefined; value: KvRawEntry | undefined }> {
  const entries = await blockingGetKv(client, key, false, request);
  return { index: entries.index, value: entries.value[0] };
}

async function blockingGetKv(
  client: ConsulClient,
  key: string,
  recurse: boolean,
  request: BlockingFetchRequest,
): Promise<{ index: number | undefined; value: KvRawEntry[] }> {
  // `consistent`: right after a server restart a new leader answers default-mode reads before it has
  // applied its log, so keys would look deleted for a moment; consistent reads are refused (500, the
  // loop backs off and retries) until it is ready. Config and assignment must never see such a gap.
  const options: ClientCall<{ key: string; recurse?: boolean; consistent: boolean }> = {
    key,
    consistent: true,
    ...(recurse ? { recurse: true } : {}),
    ...(request.index > 0 ? { index: String(request.index), wait: request.wait } : {}),
    ctx: request.ctx,
    timeout: request.timeoutMs,
  };
  const response = unpackResponse<unknown>(await client.kv.get(options));
  const index = parseConsulIndex(response.headers['x-consul-index']);
  if (response.body === undefined) return { index, value: [] };
  const body = Array.isArray(response.body) ? response.body : [response.body];
  return { index, value: z.array(kvRawEntrySchema).parse(body) };
}

function kvFingerprint(entries: readonly KvRawEntry[]): string {
  return JSON.stringify(entries.map((entry) => [entry.Key, entry.ModifyIndex, entry.Session ?? '']));
}

/**
 * Watches every key under `prefix` (recursive KV read, full keys). `onChange` receives the whole
 * list whenever it changed; an index bump with identical keys/ModifyIndex/Session is not reported.
 */
export function watchKeyPrefix(
  client: ConsulClient,
  prefix: string,
  onChange: (entries: KvRawEntry[], index: number) => void,
  options: WatchOptions<KvRawEntry[]> = {},
): BlockingQuery<KvRawEntry[]> {
  const query = new BlockingQuery<KvRawEntry[]>({
    fingerprint: kvFingerprint,
    ...options,
    fetch: (request) => blockingGetKv(client, prefix, true, request),
  });
  query.on('change', onChange);
  return query.start();
}

/** One healthy instance of a service, from `/v1/health/service/:name?passing`. */
export interface HealthyInstance {
  /** service id (= node id of a Spaceport instance) */
  id: string;
  service: string;
  /** service address, or the node's when the service has none */
  address: string;
  port: number;
  tags: string[];
  /** Consul node name the instance is registered on */
  node: string;
  meta: Record<string, string>;
}

const healthEntrySchema = z.object({
  Node: z.object({ Node: z.string(), Address: z.string() }),
  Service: z.object({
    ID: z.string(),
    Service: z.string(),
    Tags: z.array(z.string()).nullish(),
    Address: z.string().nullish(),
    Port: z.number(),
    Meta: z.record(z.string(), z.string()).nullish(),
  }),
});

/** Pure: health entries → instances sorted by id (a stable order makes the fingerprint meaningful). */
export function toHealthyInstances(body: unknown): HealthyInstance[] {
  const entries = z.array(healthEntrySchema).parse(body ?? []);
  return entries
    .map(({ Node, Service }) => ({
      id: Service.ID,
      service: Service.Service,
      address: Service.Address || Node.Address,
      port: Service.Port,
      tags: [...(Service.Tags ?? [])],
      node: Node.Node,
      meta: { ...(Service.Meta ?? {}) },
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.node.localeCompare(b.node)));
}

export interface HealthyServiceWatchOptions extends WatchOptions<HealthyInstance[]> {
  /** only instances carrying this tag (Consul's `tag` filter), e.g. `role:event-worker` */
  tag?: string;
  onChange?: (instances: HealthyInstance[], index: number) => void;
}

/** Watches the instances of `serviceName` whose checks all pass. */
export function watchHealthyService(
  client: ConsulClient,
  serviceName: string,
  options: HealthyServiceWatchOptions = {},
): BlockingQuery<HealthyInstance[]> {
  const { tag, onChange, ...watchOptions } = options;
  const query = new BlockingQuery<HealthyInstance[]>({
    fingerprint: (instances) => JSON.stringify(instances),
    ...watchOptions,
    fetch: async (request) => {
      const call: ClientCall<{ service: string; passing: boolean; tag?: string }> = {
        service: serviceName,
        passing: true,
        ...(tag !== undefined ? { tag } : {}),
        ...(request.index > 0 ? { index: String(request.index), wait: request.wait } : {}),
        ctx: request.ctx,
        timeout: request.timeoutMs,
      };
      const response = unpackResponse<unknown>(await client.health.service(call));
      return { index: parseConsulIndex(response.headers['x-consul-index']), value: toHealthyInstances(response.body) };
    },
  });
  if (onChange) query.on('change', onChange);
  return query.start();
}
