import 'reflect-metadata';
export { createApp } from './app';
export { CisInterfaceConfig } from './config';
export { ENTITIES, MIGRATIONS } from './app.module';
