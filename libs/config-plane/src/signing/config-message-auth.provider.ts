import { type Provider } from '@nestjs/common';
import { SPACEPORT_LOGGER, SPACEPORT_METRICS, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { type Registry } from 'prom-client';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings } from '../settings';
import { ConfigMessageAuth } from './config-message-auth';

/** The app's one ConfigMessageAuth: its cluster key, its replay memory, its rejection counter. */
export const configMessageAuthProvider: Provider = {
  provide: ConfigMessageAuth,
  inject: [CONFIG_PLANE_SETTINGS, SPACEPORT_NODE_OPTIONS, SPACEPORT_LOGGER, SPACEPORT_METRICS],
  useFactory: (settings: ConfigPlaneSettings, options: NodeOptions, logger: Logger, metrics: Registry) =>
    new ConfigMessageAuth(settings.signingKeys, options.clusterId, logger, metrics),
};
