import { registerRule } from '@plasticity/core-tensors';
import { backpropRule } from './base.js';

export * from './base.js';

// Side effect: importing the package makes 'backprop' available to getRule and the CLI.
registerRule(backpropRule);
