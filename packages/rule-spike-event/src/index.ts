import { registerRule } from '@plasticity/core-tensors';
import { spikeEventRule } from './base.js';

export * from './base.js';

// Side effect: importing the package makes 'spike-event' available to getRule and the CLI.
registerRule(spikeEventRule);
