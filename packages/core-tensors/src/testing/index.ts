// @plasticity/core-tensors/testing: the backend-matrix test kit and the rule conformance suite.
// Framework-agnostic (throws plain Errors; the suite takes the runner's describe/test), so it
// works under Jest, Vitest, node:test or in a browser runner.
export { testBackends, useBackend } from './backends.js';
export { tolerance, assertClose } from './tolerance.js';
export type { Tolerance } from './tolerance.js';
export { leakedTensors, expectNoLeaks } from './leaks.js';
export type { NoLeakOptions } from './leaks.js';
export { memoryEventSplit, memorySplit } from './memory-split.js';
export { eventSweeps, noisyXor, unitNoisyXor } from './toy-data.js';
export {
  checkRuleConformance,
  describeRuleConformance,
  CONFORMANCE_CHECK_TITLES,
} from './conformance/suite.js';
export type { TestRunner } from './conformance/suite.js';
export { CONFORMANCE_CHECKS } from './conformance/options.js';
export { noisyXorConformance } from './conformance/xor-task.js';
export type {
  ConformanceCheck,
  ConformanceData,
  ConformanceSkip,
  LearningBar,
  RuleConformanceOptions,
} from './conformance/options.js';
export { ConformanceFailure } from './conformance/failure.js';
