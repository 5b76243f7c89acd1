import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConsulReadiness } from './consul-readiness';
import { ReadinessController } from './readiness.controller';
import { ReadinessRegistry } from './readiness-registry';

/**
 * `GET /readyz` through @nestjs/terminus. Features add their checks to `ReadinessRegistry` (exported
 * globally by `RuntimeModule`); terminus' own failure log is off: the controller logs changes only.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [ReadinessController],
  providers: [ReadinessRegistry, ConsulReadiness],
  exports: [ReadinessRegistry],
})
export class ReadinessModule {}
