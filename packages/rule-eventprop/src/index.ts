import { registerRule } from '@plasticity/core-tensors';
import { eventpropRule } from './base.js';

export * from './base.js';

// Side effect: importing the package makes 'eventprop' available to getRule and the CLI.
registerRule(eventpropRule);
