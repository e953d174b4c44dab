import { registerExperiment } from '@plasticity/core-tensors';
import { btspMemoryExperiment, btspPlaceFieldExperiment } from './base.js';

export * from './base.js';

// Side effect: importing the package registers the 'btsp' rule and the 'btsp-place-field' and
// 'btsp-memory' experiments (for getRule, getExperiment and the CLI).
registerExperiment(btspPlaceFieldExperiment);
registerExperiment(btspMemoryExperiment);
