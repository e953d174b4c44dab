// Pure exports of the package (no side effects).
export * from './algorithms/index.js';
export * from './config.js';
export * from './simulate/index.js';
export * from './store/index.js';
export * from './threads/index.js';
export * from './worker/index.js';
