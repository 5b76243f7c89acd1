import { createServer, type Server } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe listener'));
      });
    });
  });
}

/** Several distinct free ports, held open together so the OS cannot hand out one twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (!address || typeof address !== 'object') throw new Error('probe listener has no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Redis Cluster's bus listens on the client port + 10000 (cluster-port 0, the default). */
export const CLUSTER_BUS_PORT_OFFSET = 10_000;

/** Listens on 127.0.0.1:`port` (0: the OS picks); resolves null when that port is taken. */
function probeListener(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('probe listener has no port');
  return address.port;
}

/**
 * Distinct free ports `p` for Redis Cluster nodes, each with `p + 10000` (its cluster bus) free as well.
 * Every probe (port and bus port) stays open until all are found, so no port is handed out twice and no
 * node's port is another node's bus port.
 */
export async function freeClusterPorts(count: number, attempts = 200): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    for (let attempt = 0; ports.length < count && attempt < attempts; attempt++) {
      const server = await probeListener(0);
      if (!server) continue;
      held.push(server);
      const port = portOf(server);
      if (port + CLUSTER_BUS_PORT_OFFSET > 65_535) continue;
      const bus = await probeListener(port + CLUSTER_BUS_PORT_OFFSET);
      if (!bus) continue;
      held.push(bus);
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
  }
  if (ports.length < count) throw new Error(`found ${ports.length} of ${count} free ports with a free bus port`);
  return ports;
}
