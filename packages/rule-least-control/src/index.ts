import { registerRule } from '@plasticity/core-tensors';
import { leastControlRule } from './base.js';

export * from './base.js';

// Side effect: importing the package makes 'least-control' available to getRule and the CLI.
registerRule(leastControlRule);
