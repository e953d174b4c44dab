import { registerRule } from '@plasticity/core-tensors';
import { bpttRule } from './base.js';

export * from './base.js';

// Side effect: importing the package makes 'bptt' available to getRule and the CLI.
registerRule(bpttRule);
