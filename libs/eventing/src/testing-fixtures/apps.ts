import { type DynamicModule, type INestApplication, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ADMIN_TOKENS,
  AppSettingsModule,
  createRootLogger,
  resolveAdminTokens,
  resolveStartupConfig,
  RuntimeModule,
  settingsSection,
} from '@spaceport/app-runtime';
import { CONFIG_VIEW, type ConfigView } from '@spaceport/config-model';
import { parseRedisConnection } from '@spaceport/redis-core';
import { type NodeRole } from '@spaceport/runtime-core';
import { parseEventingEnv } from '../common/settings';
import { EVENTING_ENV } from '../common/tokens';

@Module({})
class ConfigViewTestModule {
  static of(view: ConfigView): DynamicModule {
    return {
      module: ConfigViewTestModule,
      global: true,
      providers: [{ provide: CONFIG_VIEW, useValue: view }],
      exports: [CONFIG_VIEW],
    };
  }
}

@Module({})
class TestRootModule {
  static of(imports: DynamicModule['imports']): DynamicModule {
    return { module: TestRootModule, imports };
  }
}

export interface RunningApp {
  readonly app: INestApplication;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A Nest app of `features` in this process, wired like bootstrapSpaceportApp does (runtime module, pino
 * logger), with `view` as the global CONFIG_VIEW, listening on a free loopback port. The eventing and
 * admin settings sections are parsed from process.env, as the apps' settings loaders do (set REDIS_URL
 * etc. before calling).
 */
export async function startTestApp(
  role: NodeRole,
  nodeId: string,
  features: Type<unknown> | readonly Type<unknown>[],
  view: ConfigView,
): Promise<RunningApp> {
  const config = await resolveStartupConfig(role, ['--id', nodeId, '--port', '0'], { PATH: process.env['PATH'] });
  const logger = createRootLogger(config.options, { level: process.env['TEST_LOG_LEVEL'] ?? 'error' });
  const redis = parseRedisConnection(process.env); // no config plane here: CONFIG_VIEW is `view`
  const sections = AppSettingsModule.of([
    settingsSection(EVENTING_ENV, parseEventingEnv(process.env, redis)),
    settingsSection(ADMIN_TOKENS, resolveAdminTokens(process.env)),
  ]);
  const root = TestRootModule.of([
    RuntimeModule.forRoot(config, logger),
    sections,
    ConfigViewTestModule.of(view),
    ...[features].flat(),
  ]);
  const app = await NestFactory.create(root, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
