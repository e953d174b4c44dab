import './gradients.js';

export type { InputSpec, TaskSpec, Batch, BatchOptions, DataSplit } from './contract/task.js';
export type { ParamMap, StepMetrics, Learner } from './contract/learner.js';
export type { RulePlugin, Recipe } from './contract/plugin.js';
export type { FitSettings, LearningRateSchedule } from './training/settings.js';
export { PlasticityError, isPlasticityError } from './errors/plasticity-error.js';
export type { ErrorCode } from './errors/plasticity-error.js';
