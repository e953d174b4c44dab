// Pure exports: importing this module registers nothing (index.ts adds the registration).
export { INTENSITIES, intensity, intensitySlope, logIntensitySlope } from './intensity.js';
export type { IntensityName } from './intensity.js';
export { READOUTS, spikeEventConfigSchema } from './config.js';
export type { ReadoutName, SpikeEventConfig, SpikeEventConfigInput } from './config.js';
export {
  expectedCounts,
  layerDrive,
  poissonLogLikelihood,
  spikeEventFactor,
  spikeEventUpdate,
} from './point-process.js';
export { samplePoisson } from './poisson.js';
export { binnedInputs, logFactorialSum, presynapticTraces } from './traces.js';
export { TEACHER_STUDENT_DEFAULTS, teacherStudent } from './teacher.js';
export type { TeacherStudentOptions, TeacherStudentResult } from './teacher.js';
export { spikeEventRecipes } from './recipes.js';
export { createSpikeEventLearner, spikeEventRule } from './rule.js';
export type { SpikeEventLearner } from './rule.js';
