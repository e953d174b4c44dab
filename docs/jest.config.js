import { packageJestConfig } from '../tools/jest/preset.js';

// The site's tests: the browser run of the built examples (test/) and the live-example
// runtime's unit tests beside its code (.vitepress/theme).
const config = packageJestConfig(import.meta.url);

export default { ...config, roots: ['<rootDir>/test', '<rootDir>/.vitepress/theme'] };
