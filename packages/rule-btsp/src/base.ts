// Pure exports: importing this module registers nothing (index.ts adds the registrations).
export * from './place-field/index.js';
export * from './memory/index.js';
export * from './multilayer/index.js';
