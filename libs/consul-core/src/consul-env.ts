import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseBoolean } from '@spaceport/runtime-core';
import { type ConsulConnection, type ConsulTlsOptions } from './connection';

/*
 * The CONSUL_* environment variables with the meaning HashiCorp's Go client gives them
 * (`api.DefaultConfig()` + `api.NewClient()` in github.com/hashicorp/consul/api/api.go, CA loading
 * from github.com/hashicorp/go-rootcerts). Deliberate differences, all "fail at start-up instead of
 * guessing": unparsable booleans are errors (Go logs a warning and, for CONSUL_HTTP_SSL_VERIFY, even
 * skips verification), unix sockets and reverse-proxy path prefixes are rejected, an empty CAPATH is
 * an error, and the client key must match the client certificate (as Go's LoadX509KeyPair checks).
 */

export const CONSUL_DEFAULT_ADDRESS = '127.0.0.1:8500';

/** What the CONSUL_* variables say, before any file is read. */
export interface ConsulEnvSettings {
  host: string;
  port: number;
  secure: boolean;
  /** CONSUL_HTTP_TOKEN */
  token?: string;
  /** CONSUL_HTTP_TOKEN_FILE: when set and non-empty, its trimmed contents win over CONSUL_HTTP_TOKEN */
  tokenFile?: string;
  basicAuth?: { username: string; password: string };
  tls: {
    /** CONSUL_CACERT: a PEM bundle; takes precedence over caPath (as go-rootcerts does) */
    caFile?: string;
    /** CONSUL_CAPATH: every file below this directory must hold PEM certificates */
    caPath?: string;
    certFile?: string;
    keyFile?: string;
    /** CONSUL_TLS_SERVER_NAME with any `:port` removed */
    serverName?: string;
    verify: boolean;
  };
}

/** Contents read for the file-valued settings (see `readConsulFiles`). */
export interface ConsulEnvFiles {
  token?: string;
  ca?: string;
  caPath?: { path: string; contents: string }[];
  cert?: string;
  key?: string;
}

type Env = NodeJS.ProcessEnv;

/** A variable's value, undefined when unset or blank (the Go client treats "" as unset). */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readBoolean(env: Env, name: string): boolean | undefined {
  const value = read(env, name);
  return value === undefined ? undefined : parseBoolean(name, value);
}

interface AddressParts {
  host: string;
  port: number | undefined;
  /** https:// prefix */
  https: boolean;
}

function addressError(raw: string, problem: string): ConfigError {
  // A value with user info may carry a password: name the variable, never echo such a value.
  const shown = raw.includes('@') ? '' : ` (got "${raw}")`;
  return new ConfigError(
    'CONSUL_HTTP_ADDR',
    `${problem}${shown}; expected host:port, http://host:port or https://host:port`,
  );
}

function splitScheme(raw: string): { https: boolean; rest: string } {
  const separator = raw.indexOf('://');
  if (separator < 0) return { https: false, rest: raw };
  const scheme = raw.slice(0, separator).toLowerCase();
  const rest = raw.slice(separator + 3);
  if (scheme === 'http' || scheme === 'https') return { https: scheme === 'https', rest };
  if (scheme === 'unix') throw addressError(raw, 'unix sockets are not supported, use the TCP address of the agent');
  throw addressError(raw, `unknown protocol scheme "${scheme}"`);
}

/** Parses CONSUL_HTTP_ADDR: `host[:port]`, `http://host[:port]`, `https://host[:port]`. */
export function parseConsulAddress(raw: string): AddressParts {
  const { https, rest } = splitScheme(raw);
  const hostPort = rest.endsWith('/') ? rest.slice(0, -1) : rest;
  if (hostPort.includes('@'))
    throw addressError(raw, 'credentials in the address are not supported, use CONSUL_HTTP_AUTH');
  if (hostPort.includes('/')) throw addressError(raw, 'a path after host:port (reverse-proxy prefix) is not supported');
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(hostPort);
  if (!match?.[1]) throw addressError(raw, 'not a valid address');
  const host = match[1];
  try {
    new URL(`http://${host}`);
  } catch {
    throw addressError(raw, `"${host}" is not a valid host name or IP address`);
  }
  const portText = match[2];
  if (portText === undefined) return { host, port: undefined, https };
  const port = Number(portText);
  if (portText === '' || port < 1 || port > 65_535) throw addressError(raw, 'the port must be 1-65535');
  return { host, port, https };
}

/** CONSUL_HTTP_AUTH: `user` or `user:pass` (split at the first colon, as the Go client does). */
function parseBasicAuth(env: Env): ConsulEnvSettings['basicAuth'] {
  const raw = env['CONSUL_HTTP_AUTH'];
  if (raw === undefined || raw === '') return undefined;
  const colon = raw.indexOf(':');
  const username = colon < 0 ? raw : raw.slice(0, colon);
  const password = colon < 0 ? '' : raw.slice(colon + 1);
  if (username === '')
    throw new ConfigError('CONSUL_HTTP_AUTH', 'expected user or user:password, the user name is empty');
  if (!isHeaderSafe(username) || !isHeaderSafe(password)) {
    throw new ConfigError('CONSUL_HTTP_AUTH', 'contains control characters (value not shown)');
  }
  return { username, password };
}

function isHeaderSafe(value: string): boolean {
  return /^[\x20-\x7e\x80-\uffff]*$/.test(value);
}

function parseToken(env: Env): string | undefined {
  const token = read(env, 'CONSUL_HTTP_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError('CONSUL_HTTP_TOKEN', 'contains characters not allowed in an HTTP header (value not shown)');
  }
  return token;
}

/** CONSUL_TLS_SERVER_NAME; a `:port` suffix is dropped (Go's SetupTLSConfig does the same). */
function parseServerName(env: Env): string | undefined {
  const raw = read(env, 'CONSUL_TLS_SERVER_NAME');
  if (raw === undefined) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(raw);
  const name = bracketed?.[1] ?? (raw.split(':').length === 2 ? raw.slice(0, raw.indexOf(':')) : raw);
  if (name === '' || /[\s/]/.test(name)) {
    throw new ConfigError('CONSUL_TLS_SERVER_NAME', `expected a host name, got "${raw}"`);
  }
  return name;
}

function parseTlsSettings(env: Env): ConsulEnvSettings['tls'] {
  const certFile = read(env, 'CONSUL_CLIENT_CERT');
  const keyFile = read(env, 'CONSUL_CLIENT_KEY');
  if (certFile !== undefined && keyFile === undefined) {
    throw new ConfigError('CONSUL_CLIENT_KEY', 'must be set together with CONSUL_CLIENT_CERT');
  }
  if (keyFile !== undefined && certFile === undefined) {
    throw new ConfigError('CONSUL_CLIENT_CERT', 'must be set together with CONSUL_CLIENT_KEY');
  }
  return {
    caFile: read(env, 'CONSUL_CACERT'),
    caPath: read(env, 'CONSUL_CAPATH'),
    certFile,
    keyFile,
    serverName: parseServerName(env),
    verify: readBoolean(env, 'CONSUL_HTTP_SSL_VERIFY') ?? true,
  };
}

/**
 * Parses the CONSUL_* variables without touching the file system. TLS is on when CONSUL_HTTP_ADDR
 * starts with `https://` or CONSUL_HTTP_SSL is true; an `http://` prefix does not turn it off again
 * ("never revert to http if TLS was explicitly requested", api.NewClient). Without a port the
 * scheme's default applies (80/443), as Go's HTTP client does with a bare host.
 */
export function parseConsulEnv(env: Env): ConsulEnvSettings {
  const address = parseConsulAddress(read(env, 'CONSUL_HTTP_ADDR') ?? CONSUL_DEFAULT_ADDRESS);
  const sslRequested = readBoolean(env, 'CONSUL_HTTP_SSL') ?? false;
  const secure = address.https || sslRequested;
  return {
    host: address.host,
    port: address.port ?? (secure ? 443 : 80),
    secure,
    token: parseToken(env),
    tokenFile: read(env, 'CONSUL_HTTP_TOKEN_FILE'),
    basicAuth: parseBasicAuth(env),
    tls: parseTlsSettings(env),
  };
}

function readText(source: string, path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new ConfigError(source, `cannot read ${what} "${path}" (${code})`);
  }
}

function readCaPath(dir: string): { path: string; contents: string }[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new ConfigError('CONSUL_CAPATH', `cannot read CA directory "${dir}" (${code})`);
  }
  return entries
    .map((entry) => join(dir, entry))
    .filter((path) => isFile(path))
    .map((path) => ({ path, contents: readText('CONSUL_CAPATH', path, 'CA file') }));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'stat error';
    throw new ConfigError('CONSUL_CAPATH', `cannot read CA file "${path}" (${code})`);
  }
}

/** Reads the files the settings name (synchronously: this runs once, at start-up). */
export function readConsulFiles(settings: ConsulEnvSettings): ConsulEnvFiles {
  const { tls } = settings;
  return {
    token: settings.tokenFile ? readText('CONSUL_HTTP_TOKEN_FILE', settings.tokenFile, 'token file') : undefined,
    ca: tls.caFile ? readText('CONSUL_CACERT', tls.caFile, 'CA file') : undefined,
    caPath: tls.caFile === undefined && tls.caPath ? readCaPath(tls.caPath) : undefined,
    cert: tls.certFile ? readText('CONSUL_CLIENT_CERT', tls.certFile, 'client certificate') : undefined,
    key: tls.keyFile ? readText('CONSUL_CLIENT_KEY', tls.keyFile, 'client key') : undefined,
  };
}

/** The PEM text when it starts a parsable certificate (bundles are fine: Node reads them all). */
function requireCertificatePem(source: string, pem: string, path: string | undefined): string {
  try {
    new X509Certificate(pem);
  } catch {
    throw new ConfigError(source, `"${path ?? ''}" holds no valid PEM certificate`);
  }
  return pem;
}

function trustedCas(settings: ConsulEnvSettings, files: ConsulEnvFiles): string[] | undefined {
  if (files.ca !== undefined) return [requireCertificatePem('CONSUL_CACERT', files.ca, settings.tls.caFile)];
  if (files.caPath === undefined) return undefined;
  if (files.caPath.length === 0)
    throw new ConfigError('CONSUL_CAPATH', `"${settings.tls.caPath ?? ''}" contains no CA files`);
  return files.caPath.map((file) => requireCertificatePem('CONSUL_CAPATH', file.contents, file.path));
}

/** Checks the client certificate and key parse and belong together; messages never show the key. */
function checkClientPair(settings: ConsulEnvSettings, cert: string, key: string): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new ConfigError('CONSUL_CLIENT_CERT', `"${settings.tls.certFile ?? ''}" holds no valid PEM certificate`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError(
      'CONSUL_CLIENT_KEY',
      `"${settings.tls.keyFile ?? ''}" holds no usable unencrypted PEM private key`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError(
      'CONSUL_CLIENT_KEY',
      `"${settings.tls.keyFile ?? ''}" does not match the certificate in CONSUL_CLIENT_CERT`,
    );
  }
}

/**
 * Token precedence follows api.NewClient: "If the TokenFile is set, always use that, even if a Token
 * is configured" — the file's trimmed contents win when non-empty; an empty file falls back to
 * CONSUL_HTTP_TOKEN. (The CLI's -token-file help says the same: used "instead of" -token/CONSUL_HTTP_TOKEN.)
 */
function resolveToken(settings: ConsulEnvSettings, files: ConsulEnvFiles): string | undefined {
  const fromFile = files.token?.trim();
  if (fromFile && !/^[\x21-\x7e]+$/.test(fromFile)) {
    throw new ConfigError(
      'CONSUL_HTTP_TOKEN_FILE',
      'the token contains characters not allowed in an HTTP header (value not shown)',
    );
  }
  return fromFile || settings.token;
}

/** Pure: the connection from parsed settings and the contents of the files they name. */
export function buildConsulConnection(settings: ConsulEnvSettings, files: ConsulEnvFiles): ConsulConnection {
  const token = resolveToken(settings, files);
  const ca = trustedCas(settings, files);
  if (files.cert !== undefined && files.key !== undefined) checkClientPair(settings, files.cert, files.key);
  const tls: ConsulTlsOptions = {
    ca,
    cert: files.cert,
    key: files.key,
    serverName: settings.tls.serverName,
    verify: settings.tls.verify,
  };
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(token !== undefined ? { token } : {}),
    ...(settings.basicAuth ? { basicAuth: settings.basicAuth } : {}),
    ...(settings.secure ? { tls } : {}),
  };
}

/**
 * The Consul connection described by the CONSUL_* variables, with token/CA/certificate files read.
 * Throws `ConfigError` naming the variable at fault; messages never contain a secret. As in the Go
 * client, the TLS files are read and checked even when the scheme is plain HTTP.
 */
export function loadConsulConnection(env: Env): ConsulConnection {
  const settings = parseConsulEnv(env);
  return buildConsulConnection(settings, readConsulFiles(settings));
}
