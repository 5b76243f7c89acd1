import { type DynamicModule, Module } from '@nestjs/common';

/**
 * DI token of one section of an app's settings (e.g. the eventing variables), declared by the lib
 * whose modules inject it. The type parameter ties the token to its value, so an app cannot provide
 * the wrong section under it.
 */
export type SettingsToken<T> = symbol & { readonly __settingsOf?: T };

export function settingsToken<T>(name: string): SettingsToken<T> {
  return Symbol.for(name) as SettingsToken<T>;
}

/** One section of an app's settings object under the token its lib injects. */
export interface SettingsSection {
  readonly provide: symbol;
  readonly useValue: unknown;
}

export function settingsSection<T>(token: SettingsToken<T>, value: T): SettingsSection {
  return { provide: token, useValue: value };
}

/**
 * Global: the sections of the app's settings object, which the app parsed and validated once at
 * start-up (apps/<app>/src/settings.ts). Lib modules inject their section; none reads the environment.
 */
@Module({})
export class AppSettingsModule {
  static of(sections: readonly SettingsSection[]): DynamicModule {
    return {
      module: AppSettingsModule,
      global: true,
      providers: sections.map((s) => ({ provide: s.provide, useValue: s.useValue })),
      exports: sections.map((s) => s.provide),
    };
  }
}
