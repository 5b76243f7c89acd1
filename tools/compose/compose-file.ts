// The parts of a compose file the static checks read (compose.spec.ts, compose-sentinel.spec.ts).

export interface Service {
  image?: string;
  pull_policy?: string;
  deploy?: { replicas?: string | number };
  build?: string | { context?: string; target?: string; dockerfile?: string };
  command?: string | string[];
  container_name?: string;
  hostname?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | { source?: string })[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
}

/** A service's environment as a map, whichever form the file uses. */
export function env(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.map((entry) => [entry.split('=')[0] ?? '', entry.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** A service's command as arguments. */
export function commandArgs(service: Service): string[] {
  const command = service.command ?? [];
  return Array.isArray(command) ? command : command.split(/\s+/);
}

/** A service's healthcheck test as one string. */
export function healthTest(service: Service): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}
