import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';

/**
 * The gateway's web console at `/console`: one static page (HTML, vanilla JS, CSS) that asks for the
 * admin token and drives the gateway's own API — cluster, partition map, triggers, live event log,
 * redelivery. See README "Console".
 */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
