// Pure exports of the package (no side effects).
export * from './store/index.js';
export * from './threads/index.js';
