// Pure exports: importing this module registers nothing (index.ts adds the registration).
export { stdpConfigSchema } from './config.js';
export type { StdpConfig } from './config.js';
export { stdpRecipes } from './recipes.js';
export { createStdpLearner, stdpRule } from './rule.js';
