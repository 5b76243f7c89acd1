import { Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '@spaceport/app-runtime';
import { type StoreResetStatus } from '../authority/store-reset';
import { ConfigMirrorService } from '../mirror/config-mirror.service';
import { type MirrorStatus } from '../mirror/mirror-status';
import { type StoreResetAction, type StoreResetReply } from '../protocol';
import { httpError } from './config-admin.service';

export interface ConfigStoreView {
  /** the config this gateway serves: see `GET /readyz` for the meaning of the states */
  state: MirrorStatus['state'];
  version: number | undefined;
  /** false while the config-service cannot read its store */
  sourceAvailable: boolean;
  /** set while the last good config is held against a reset store (docs/operations.md#config-store-reset) */
  storeReset: StoreResetStatus | null;
}

export type StoreResetResult = Omit<Extract<StoreResetReply, { ok: true }>, 'ok'>;

/**
 * `/v1/config/store`: the state of the config store as this gateway sees it, and the operator's two
 * answers to a config store reset: `restore` (write the last good config back) or `accept` (apply
 * what the store holds now, e.g. an empty KV on purpose).
 */
@Controller('v1/config/store')
@UseGuards(AdminAuthGuard)
export class ConfigStoreController {
  constructor(@Inject(ConfigMirrorService) private readonly mirror: ConfigMirrorService) {}

  @Get()
  status(): { result: ConfigStoreView } {
    const { state, version, sourceAvailable, storeReset } = this.mirror.status();
    return { result: { state, version, sourceAvailable, storeReset: storeReset ?? null } };
  }

  @Post('restore')
  @HttpCode(200)
  restore(): Promise<{ result: StoreResetResult }> {
    return this.answer('restore');
  }

  @Post('accept')
  @HttpCode(200)
  accept(): Promise<{ result: StoreResetResult }> {
    return this.answer('accept');
  }

  private async answer(action: StoreResetAction): Promise<{ result: StoreResetResult }> {
    const reply = await this.mirror.resolveStoreReset(action);
    if (reply.ok) {
      const { ok: _ok, ...result } = reply;
      return { result };
    }
    if (reply.reason === 'not-reset') throw httpError({ status: 409, body: { error: reply.message } });
    if (reply.reason === 'invalid') throw httpError({ status: 400, body: { error: reply.message } });
    throw httpError({ status: 503, body: { error: `config store unavailable: ${reply.message}` } });
  }
}
