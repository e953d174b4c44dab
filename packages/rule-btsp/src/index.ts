import { registerExperiment, registerRule } from '@plasticity/core-tensors';
import { btspMemoryExperiment, btspPlaceFieldExperiment, btspRule } from './base.js';

export * from './base.js';

// Side effect: importing the package registers the 'btsp' rule and the 'btsp-place-field' and
// 'btsp-memory' experiments (for getRule, getExperiment and the CLI).
registerRule(btspRule);
registerExperiment(btspPlaceFieldExperiment);
registerExperiment(btspMemoryExperiment);
