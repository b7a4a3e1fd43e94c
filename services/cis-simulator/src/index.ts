import 'reflect-metadata';
export { createApp } from './app';
export { CisSimulatorConfig } from './config';
export { ENTITIES, MIGRATIONS } from './app.module';
export type { CisBroadcastBatch, CisBroadcastTransaction } from './broadcasts/broadcast.types';
