export * from './base.js';

// Side effect (added as the parts land): importing the package registers the 'btsp' rule and
// the 'btsp-place-field' and 'btsp-memory' experiments.
import { registerRule } from '@plasticity/core-tensors';
import { btspRule } from './multilayer/index.js';

registerRule(btspRule);
