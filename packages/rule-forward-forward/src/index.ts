import { registerRule } from '@plasticity/core-tensors';
import { forwardForwardRule } from './base.js';

export * from './base.js';

// Side effect: importing the package makes 'forward-forward' available to getRule and the CLI.
registerRule(forwardForwardRule);
