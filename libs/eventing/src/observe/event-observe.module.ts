import { Module } from '@nestjs/common';
import { resolveAdminTokens } from '@spaceport/config-plane';
import { EventingSharedModule } from '../shared/eventing-shared.module';
import { EventsController } from './events.controller';
import { OBSERVE_ADMIN_TOKENS, ObserveAccess } from './observe-access';
import { ObserveService } from './observe.service';
import { TriggerStateController } from './trigger-state.controller';

/** The gateway's observe API: event/invocation logs, redeliver, DLQ redrive, trigger state. */
@Module({
  imports: [EventingSharedModule],
  controllers: [EventsController, TriggerStateController],
  providers: [
    ObserveService,
    ObserveAccess,
    { provide: OBSERVE_ADMIN_TOKENS, useFactory: () => resolveAdminTokens(process.env) },
  ],
})
export class EventObserveModule {}
