import { Module } from '@nestjs/common';
import { EventingCommonModule } from '../common/eventing-common.module';
import { DeadLetterPages } from './dead-letter-page';
import { DeadLetterRedrive } from './dead-letter-redrive';
import { EventsController } from './events.controller';
import { HeldDeliveries } from './held-deliveries';
import { ObserveAccess } from './observe-access';
import { ObserveService } from './observe.service';
import { TriggerStateController } from './trigger-state.controller';

/**
 * The gateway's observe API: event/invocation logs, redeliver, DLQ redrive, trigger state. Needs the
 * app's EVENTING_ENV and ADMIN_TOKENS settings sections (AppSettingsModule).
 */
@Module({
  imports: [EventingCommonModule],
  controllers: [EventsController, TriggerStateController],
  providers: [ObserveService, ObserveAccess, DeadLetterRedrive, DeadLetterPages, HeldDeliveries],
})
export class EventObserveModule {}
