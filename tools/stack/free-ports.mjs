// Free TCP ports on 127.0.0.1 for `npm start -- --free-ports` and `npm run worker`.
import { createServer } from 'node:net';

/** `count` distinct ports the OS picked, held open together so none is handed out twice. */
export async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
