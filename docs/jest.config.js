import { packageJestConfig } from '../tools/jest/preset.js';

// The site's tests read the built site (.vitepress/dist; Nx builds it first) and open it in
// chromium (test/); the live-example runtime's unit tests sit beside its code (.vitepress/theme).
export default {
  ...packageJestConfig(import.meta.url),
  roots: ['<rootDir>/test', '<rootDir>/.vitepress/theme'],
  testTimeout: 300_000,
};
