export * from './base.js';

// Side effect (added as the parts land): importing the package registers the 'btsp' rule and
// the 'btsp-place-field' and 'btsp-memory' experiments.
