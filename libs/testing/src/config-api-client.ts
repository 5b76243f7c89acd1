// A tiny HTTP client for the gateway's config API, shared by the config-plane tests and the benchmark.
export const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

export interface ApiResponse {
  status: number;
  etag: string | null;
  body: Record<string, unknown>;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  ifMatch?: string,
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (ifMatch !== undefined) headers['if-match'] = ifMatch;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

export const projectBody = (name: string) => ({
  name,
  secrets: { webhook: [WEBHOOK_SECRET], apiTokens: ['api-token-0123456789abcdefghij'] },
});

/** Space Cloud's trigger body, as its console sends it. */
export const spaceCloudTrigger = (id: string, url: string) => ({
  id,
  type: 'order.paid',
  url,
  retries: 3,
  timeout: 5000,
  options: null,
  filter: null,
});
