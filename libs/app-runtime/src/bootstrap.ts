import 'reflect-metadata';
import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, type NodeRole } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { InstanceRegistration } from './consul/instance-registration';
import { HttpErrorFilter } from './http-errors/http-error.filter';
import { requireJsonBody } from './http-errors/json-content-type';
import { createRootLogger } from './logger/pino-logger';
import { NestPinoLogger } from './logger/nest-pino-logger';
import { SpaceportRootModule } from './runtime.module';
import { type StartupConfig, formatConfigError, startLine } from './startup';

export interface SpaceportAppSpec<S extends StartupConfig> {
  role: NodeRole;
  /** the command-line arguments (`process.argv.slice(2)` in an app's main.ts) */
  argv: readonly string[];
  /** the environment (`process.env` in an app's main.ts); read only by `loadSettings` */
  env: NodeJS.ProcessEnv;
  /**
   * The app's settings object: every flag and variable the app reads, parsed and validated once.
   * Throws ConfigError naming the bad flag or variable (the app then exits 2 without starting).
   */
  loadSettings(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<S>;
  /** the app's own root module for those settings; the runtime (NodeOptions, logger, /healthz) is added next to it */
  module(settings: S): DynamicModule;
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

async function start<S extends StartupConfig>(
  spec: SpaceportAppSpec<S>,
  config: S,
  logger: Logger,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    SpaceportRootModule.create(config, logger, spec.module(config)),
    {
      logger: new NestPinoLogger(logger),
      // Let start-up errors reach bootstrapSpaceportApp (ConfigError → exit 2) instead of Nest aborting.
      abortOnError: false,
    },
  );
  app.disable('x-powered-by');
  // one error body for every API ({statusCode, error, message, issues?}); JSON bodies only (415 otherwise)
  app.useGlobalFilters(new HttpErrorFilter(app.get(HttpAdapterHost).httpAdapter));
  app.use(requireJsonBody);
  // SIGTERM/SIGINT → app.close() (Nest lifecycle hooks) → exit 0.
  app.enableShutdownHooks([...SIGNALS], { useProcessExit: true });
  boundShutdown(logger);
  await spec.configureApp?.(app);
  await app.listen(config.options.port, config.host);
  const port = boundPort(app, config.options.port);
  logger.info(startLine(config, port), `spaceport ${spec.role} started`);
  await app.get(InstanceRegistration).start(config.advertiseAddress, port);
  return app;
}

/**
 * Starts one Spaceport instance: loads the app's settings (flag beats env), exits 2 with a one-line
 * message on bad configuration, creates the Nest app with JSON logs (`role` and `nodeId` on every
 * line), `GET /healthz`, graceful SIGTERM/SIGINT, and listens on `HOST`:`port`.
 */
export async function bootstrapSpaceportApp<S extends StartupConfig>(
  spec: SpaceportAppSpec<S>,
): Promise<INestApplication> {
  let config: S;
  try {
    config = await spec.loadSettings(spec.argv, spec.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(formatConfigError(spec.role, error));
    process.exit(2);
  }
  const logger = createRootLogger(config.options, { level: config.logLevel });
  try {
    return await start(spec, config, logger);
  } catch (error) {
    // A ConfigError past loadSettings (e.g. a config file that cannot be read) fails like the flags do.
    if (error instanceof ConfigError) {
      process.stderr.write(formatConfigError(spec.role, error));
      process.exit(2);
    }
    logger.fatal({ err: error }, `spaceport ${spec.role} failed to start`);
    process.exit(1);
  }
}
