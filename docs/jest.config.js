import { packageJestConfig } from '../tools/jest/preset.js';

// The site's tests read the built site (.vitepress/dist; Nx builds it first) and open it in chromium.
export default { ...packageJestConfig(import.meta.url), roots: ['<rootDir>/test'], testTimeout: 300_000 };
