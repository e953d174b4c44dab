import { packageJestConfig } from '../../tools/jest/preset.js';

export default packageJestConfig(import.meta.url);
