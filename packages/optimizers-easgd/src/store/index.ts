export type { CenterStore, WriteToken } from './center-store.js';
