// @plasticity/core-tensors/testing: the backend-matrix test kit. Framework-agnostic (throws
// plain Errors), so it works under Jest, Vitest, node:test or in a browser runner.
export { testBackends, useBackend } from './backends.js';
export { tolerance, assertClose } from './tolerance.js';
export type { Tolerance } from './tolerance.js';
export { leakedTensors, expectNoLeaks } from './leaks.js';
export type { NoLeakOptions } from './leaks.js';
export { memorySplit } from './memory-split.js';
export { noisyXor } from './toy-data.js';
