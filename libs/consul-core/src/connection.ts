/**
 * How to reach the Consul agent: the resolved form of the CONSUL_* environment variables
 * (see `loadConsulConnection`). Secrets (token, basic-auth password, private key) are never logged;
 * use `describeConnection` for a log line.
 */
export interface ConsulConnection {
  /** host name or IP of the agent's HTTP(S) API */
  host: string;
  port: number;
  /** HTTPS when true */
  secure: boolean;
  /** ACL token sent as X-Consul-Token */
  token?: string;
  /** HTTP basic auth (CONSUL_HTTP_AUTH=user:pass) */
  basicAuth?: { username: string; password: string };
  tls?: ConsulTlsOptions;
}

export interface ConsulTlsOptions {
  /** PEM CA certificates to trust (CONSUL_CACERT / CONSUL_CAPATH); system CAs when absent */
  ca?: string[];
  /** PEM client certificate and key (CONSUL_CLIENT_CERT / CONSUL_CLIENT_KEY), always together */
  cert?: string;
  key?: string;
  /** SNI and the name the server certificate must carry (CONSUL_TLS_SERVER_NAME) */
  serverName?: string;
  /** false skips server certificate verification (CONSUL_HTTP_SSL_VERIFY=false) */
  verify: boolean;
}

export function describeConnection(connection: ConsulConnection): string {
  const scheme = connection.secure ? 'https' : 'http';
  const extras = [
    connection.token ? 'token' : undefined,
    connection.basicAuth ? 'basic-auth' : undefined,
    connection.tls?.cert ? 'client-cert' : undefined,
    connection.tls && !connection.tls.verify ? 'no-verify' : undefined,
  ].filter(Boolean);
  return `${scheme}://${connection.host}:${connection.port}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}
