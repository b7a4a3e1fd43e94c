import 'reflect-metadata';
export { createApp } from './app';
export { ServiceRequestsConfig } from './config';
export { ENTITIES, MIGRATIONS } from './app.module';
