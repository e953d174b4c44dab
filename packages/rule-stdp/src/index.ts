import { registerRule } from '@plasticity/core-tensors';
import { stdpRule } from './base.js';

export * from './base.js';

// Side effect: importing the package makes 'stdp' available to getRule and the CLI.
registerRule(stdpRule);
