import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import Consul from 'consul';
import { type ConsulConnection } from './connection';

export type ConsulClient = Consul;

/** Options `consul` passes through to papi but does not declare in its typings. */
interface ConsulOptionsWithHeaders extends NonNullable<ConstructorParameters<typeof Consul>[0]> {
  headers?: Record<string, string>;
}

/**
 * The `consul` npm client configured from a resolved connection. The client reads no environment
 * itself; everything comes from `ConsulConnection`. Keep-alive agents; TLS settings live on the agent.
 */
export function createConsulClient(connection: ConsulConnection): ConsulClient {
  const headers: Record<string, string> = {};
  if (connection.basicAuth) {
    const { username, password } = connection.basicAuth;
    headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const tls = connection.tls;
  const agent = connection.secure
    ? new HttpsAgent({
        keepAlive: true,
        ca: tls?.ca,
        cert: tls?.cert,
        key: tls?.key,
        servername: tls?.serverName,
        rejectUnauthorized: tls?.verify ?? true,
      })
    : new HttpAgent({ keepAlive: true });
  const options: ConsulOptionsWithHeaders = {
    host: connection.host,
    port: connection.port,
    secure: connection.secure,
    defaults: connection.token ? { token: connection.token } : {},
    agent,
    headers,
  };
  return new Consul(options);
}
