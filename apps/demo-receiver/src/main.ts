// Demo webhook receiver (not part of Spaceport's data path): takes the webhooks of the demo trigger,
// checks their Standard Webhooks signature when WEBHOOK_SECRET is set, logs one JSON line per delivery
// and shows the last ones at GET /received. `npm start` and docker-compose.yml run it.
import { createDemoReceiver } from './demo-receiver';
import { parseReceiverSettings, type ReceiverSettings, ReceiverSettingsError } from './receiver-settings';

const log = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), role: 'demo-receiver', ...line })}\n`);
};

let settings: ReceiverSettings;
try {
  settings = parseReceiverSettings(process.env);
} catch (error) {
  if (!(error instanceof ReceiverSettingsError)) throw error;
  process.stderr.write(`demo-receiver: invalid configuration: ${error.message}\n`);
  process.exit(2);
}

const { server } = createDemoReceiver({ settings, log });
server.listen(settings.port, settings.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  log({
    level: 'info',
    msg: 'demo-receiver started',
    host: settings.host,
    port,
    signatures: settings.secrets.length > 0 ? 'checked' : 'not checked (WEBHOOK_SECRET unset)',
    keep: settings.keep,
    failRate: settings.failRate,
  });
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
