import { Inject, Injectable, Optional } from '@nestjs/common';
import { CONFIG_VIEW, type ConfigSnapshot, type ConfigView } from '@spaceport/config-model';

/**
 * Read-only access to the app's `ConfigView` (provided globally by the config plane). When no config
 * plane is wired the data plane stays idle: the API answers 503 and no partition is consumed.
 */
@Injectable()
export class ConfigAccess {
  constructor(@Optional() @Inject(CONFIG_VIEW) private readonly view: ConfigView | null) {}

  get available(): boolean {
    return this.view !== null && this.view !== undefined;
  }

  current(): ConfigSnapshot | undefined {
    return this.view?.current();
  }

  /** The first snapshot; never resolves without a config plane. */
  ready(): Promise<ConfigSnapshot> {
    return this.view ? this.view.ready() : new Promise<ConfigSnapshot>(() => undefined);
  }

  onChange(listener: (snapshot: ConfigSnapshot) => void): () => void {
    return this.view ? this.view.onChange(listener) : () => undefined;
  }
}
