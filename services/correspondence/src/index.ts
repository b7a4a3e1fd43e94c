import 'reflect-metadata';
export { createApp } from './app';
export { CorrespondenceConfig } from './config';
export { ENTITIES, MIGRATIONS } from './app.module';
export { LetterRenderer } from './rendering/letter-renderer';
export type { RenderInput, RenderedLetter, LetterFonts } from './rendering/letter-renderer';
export { TEMPLATES_V1, LETTERHEADS_V1 } from './migrations/1764300000001-templates-v1';
