import 'reflect-metadata';
export { createApp } from './app';
export { ClientSecurityConfig } from './config';
export { ENTITIES, MIGRATIONS } from './app.module';
export { SECURITY_EVENT_JOBS } from './security-events/security-events';
export type { SecurityEventBody, SecurityEventName } from './security-events/security-events';
