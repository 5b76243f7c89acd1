import { type ConfigSnapshot } from './snapshot';

/**
 * The config an app currently serves with: the last good snapshot mirrored from config-service.
 * The config plane provides it (DI token `CONFIG_VIEW`); the gateway and event-workers read it.
 */
export interface ConfigView {
  /** the last good snapshot, or undefined before the first one arrived */
  current(): ConfigSnapshot | undefined;
  /** resolves with the first snapshot (immediately when there is one) */
  ready(): Promise<ConfigSnapshot>;
  /** called with every newer snapshot; returns an unsubscribe function */
  onChange(listener: (snapshot: ConfigSnapshot) => void): () => void;
}

/** DI token under which the config plane provides the app's `ConfigView`. */
export const CONFIG_VIEW = Symbol.for('spaceport:config-view');
