import 'reflect-metadata';
import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, type NodeRole } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { InstanceRegistration } from './consul/instance-registration';
import { createRootLogger } from './logger/pino-logger';
import { NestPinoLogger } from './logger/nest-pino-logger';
import { SpaceportRootModule } from './runtime.module';
import { type StartupConfig, formatConfigError, resolveStartupConfig, startLine } from './startup';

export interface SpaceportAppSpec {
  role: NodeRole;
  /** the app's own root module; the runtime (NodeOptions, logger, /healthz) is added next to it */
  module: Type<unknown> | DynamicModule;
  /** default `process.argv.slice(2)` */
  argv?: readonly string[];
  /** default `process.env` */
  env?: NodeJS.ProcessEnv;
  /** called once the app is created and before it listens, e.g. to mount API docs (SwaggerModule) */
  configureApp?(app: NestExpressApplication): void | Promise<void>;
}

/** A graceful stop that takes longer than this ends the process with code 1. */
export const SHUTDOWN_TIMEOUT_MS = 8_000;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function boundShutdown(logger: Logger): void {
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.fatal({ signal, timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'graceful shutdown timed out');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
}

function boundPort(app: INestApplication, fallback: number): number {
  const address: unknown = app.getHttpServer().address();
  return typeof address === 'object' && address !== null && 'port' in address && typeof address.port === 'number'
    ? address.port
    : fallback;
}

async function start(spec: SpaceportAppSpec, config: StartupConfig, logger: Logger): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    SpaceportRootModule.create(config, logger, spec.module),
    {
      logger: new NestPinoLogger(logger),
      // Let start-up errors reach bootstrapSpaceportApp (ConfigError → exit 2) instead of Nest aborting.
      abortOnError: false,
    },
  );
  app.disable('x-powered-by');
  // SIGTERM/SIGINT → app.close() (Nest lifecycle hooks) → exit 0.
  app.enableShutdownHooks([...SIGNALS], { useProcessExit: true });
  boundShutdown(logger);
  await spec.configureApp?.(app);
  await app.listen(config.options.port, config.host);
  const port = boundPort(app, config.options.port);
  logger.info(startLine(config, port), `spaceport ${spec.role} started`);
  app.get(InstanceRegistration).start(config.advertiseAddress, port);
  return app;
}

/**
 * Starts one Spaceport instance: parses NodeOptions (flag beats env), exits 2 with a one-line
 * message on bad configuration, creates the Nest app with JSON logs (`role` and `nodeId` on every
 * line), `GET /healthz`, graceful SIGTERM/SIGINT, and listens on `HOST`:`port`.
 */
export async function bootstrapSpaceportApp(spec: SpaceportAppSpec): Promise<INestApplication> {
  const env = spec.env ?? process.env;
  let config: StartupConfig;
  try {
    config = resolveStartupConfig(spec.role, spec.argv ?? process.argv.slice(2), env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(formatConfigError(spec.role, error));
    process.exit(2);
  }
  const logger = createRootLogger(config.options, { level: env['LOG_LEVEL'] });
  try {
    return await start(spec, config, logger);
  } catch (error) {
    // A module that validates its own settings (e.g. REDIS_URL, ADMIN_TOKEN) fails like the flags do.
    if (error instanceof ConfigError) {
      process.stderr.write(formatConfigError(spec.role, error));
      process.exit(2);
    }
    logger.fatal({ err: error }, `spaceport ${spec.role} failed to start`);
    process.exit(1);
  }
}
