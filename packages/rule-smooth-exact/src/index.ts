import { registerExperiment, registerRule } from '@plasticity/core-tensors';
import { smoothExactConceptExperiment, smoothExactRule, smoothExactSingleNeuronExperiment } from './base.js';

export * from './base.js';

// Side effect: importing the package makes 'smooth-exact' and its experiments available to the
// registries and the CLI.
registerRule(smoothExactRule);
registerExperiment(smoothExactConceptExperiment);
registerExperiment(smoothExactSingleNeuronExperiment);
