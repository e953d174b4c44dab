export type { CenterStore, WriteToken } from './center-store.js';
export { MemoryStore } from './memory-store.js';
export { SharedMemoryStore } from './shared-memory-store.js';
export type { SharedMemoryStoreOptions } from './shared-memory-store.js';
