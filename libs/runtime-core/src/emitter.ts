import { EventEmitter } from 'node:events';

/** Event name → listener arguments. */
export type EventMap = Record<string, unknown[]>;

/**
 * A small typed listener API over EventEmitter. A listener that throws does not break the emitter's
 * own state machine: the error is re-thrown on a fresh microtask (an uncaught exception, as any
 * other programming error would be).
 */
export class Emitter<Events extends EventMap> {
  private readonly emitter = new EventEmitter();

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): () => void {
    const wrapped = (...args: unknown[]): void => {
      try {
        listener(...(args as Events[K]));
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  /** Resolves with the arguments of the next `event`. */
  next<K extends keyof Events & string>(event: K): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (...args) => {
        off();
        resolve(args);
      });
    });
  }

  /**
   * Synchronously calls every listener of `event`, in subscription order. Unlike EventEmitter, an
   * `error` event nobody listens to is dropped rather than thrown: the loops report and carry on.
   */
  emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    if (this.emitter.listenerCount(event) === 0) return;
    this.emitter.emit(event, ...args);
  }

  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }
}
