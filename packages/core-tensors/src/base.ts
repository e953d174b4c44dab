// Pure exports: importing this module registers nothing (index.ts registers tfjs-core's gradients).

// Contract
export type {
  InputSpec,
  TaskSpec,
  Batch,
  BatchInput,
  BatchOptions,
  DataSplit,
  EventBatch,
  SpikeEvents,
  TensorBatch,
} from './contract/task.js';
export type {
  ParamMap,
  StepMetrics,
  Learner,
  InspectOptions,
  Inspection,
  LayerRaster,
  VoltageTraces,
} from './contract/learner.js';
export { isEventBatch, eventBatchSample, packEventBatch, tensorInput } from './contract/events.js';
export { denseBatch, denseFeatureCount } from './contract/dense.js';
export { paramName } from './contract/param-names.js';
export { binEvents, stepsFor } from './contract/bin-events.js';
export type { BinOptions } from './contract/bin-events.js';
export type { ParamKind } from './contract/param-names.js';
export {
  fromWorkerError,
  requestWorker,
  startNodeWorkers,
  threadCount,
  toWorkerError,
} from './parallel/node-workers.js';
export { threadsSchema } from './parallel/threads-schema.js';
export type { NodeWorker, WorkerError } from './parallel/node-workers.js';
export type {
  LayerChain,
  LayerChainOptions,
  MetricDescription,
  RulePlugin,
  RulePackage,
  Recipe,
} from './contract/plugin.js';
export { HIDDEN_ACTIVITY_METRICS } from './contract/plugin.js';
export type {
  ExperimentChart,
  ExperimentContext,
  ExperimentPlugin,
  ExperimentResult,
  ExperimentSeries,
  ExperimentTable,
} from './contract/experiment.js';
export { PlasticityError, isPlasticityError } from './errors/plasticity-error.js';
export type { ErrorCode } from './errors/plasticity-error.js';

// Backends
export { initBackend, releaseBackend, getBackendInfo } from './backend/init.js';
export { probeBackends } from './backend/probe.js';
export { MAX_WASM_THREADS, WASM_THREADS_ENV, resolveWasmThreads } from './backend/wasm-threads.js';
export { isBackendName } from './backend/types.js';
export type {
  BackendName,
  ConcreteBackendName,
  BackendInfo,
  BackendProbe,
  InitBackendOptions,
} from './backend/types.js';

// Seeded randomness
export { createRng } from './rng/rng.js';
export type { Rng } from './rng/rng.js';
export {
  uniformTensor,
  normalTensor,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
} from './rng/tensors.js';

// Registry and configuration
export { registerRule, getRule, listRules, unregisterRule } from './registry/registry.js';
export {
  getExperiment,
  listExperiments,
  registerExperiment,
  unregisterExperiment,
} from './registry/experiments.js';
export { parseConfig } from './registry/config.js';
export { closestNames, editDistance } from './registry/suggest.js';
export { resolveRecipe, recipeKeys } from './registry/recipe.js';
export type { ResolvedRecipe } from './registry/recipe.js';
export { validateWithSchema } from './registry/validate.js';
export type { ConfigIssue, ValidateOptions } from './registry/validate.js';

// Training
export type { FitSettings, KeepBestOptions, LearningRateSchedule } from './training/settings.js';
export {
  DEFAULT_FIT_SETTINGS,
  fitSettingsSchema,
  learningRateScheduleSchema,
  parseFitSettings,
} from './training/settings-schema.js';
export { learningRateAt } from './training/schedule.js';
export { fit } from './training/fit.js';
export { evaluate } from './training/evaluate.js';
export type { EvaluateOptions } from './training/evaluate.js';
export type {
  FitOptions,
  FitData,
  FitEvent,
  FitResult,
  EpochRecord,
  EvalResult,
  TrainSummary,
  EarlyStopOptions,
  CheckpointOptions,
  BestRecord,
} from './training/events.js';
export { bestCheckpointDir } from './training/keep-best.js';
export type { EarlyStopState } from './training/early-stop.js';

// Optimisers and learners
export { OPTIMIZERS, optimizerConfigShape, weightDecaySchema } from './optim/optimizer-config.js';
export type { GradientOptimizerName, GradientOptimizerOptions } from './optim/optimizer-config.js';
export { createGradientStep, stepLearner } from './optim/gradient-step.js';
export type { GradientStep, GradientStepOptions } from './optim/gradient-step.js';
export { createGradientLearner } from './learner/gradient-learner.js';
export { accuracyMetric, readMetrics } from './learner/metrics.js';
export { meanSquaredError, softmaxCrossEntropy } from './learner/losses.js';
export { columnSums, timesTranspose, transposeTimes } from './ops/products.js';
export { rowSquareSums, scaleRows } from './ops/rows.js';
export type { GradientLearner, GradientLearnerOptions, LossOutput } from './learner/gradient-learner.js';

// Checkpoints and safetensors
export {
  saveCheckpoint,
  loadCheckpoint,
  readCheckpointManifest,
  restoreParams,
  disposeCheckpoint,
} from './checkpoint/checkpoint.js';
export type {
  SaveCheckpointOptions,
  LoadCheckpointOptions,
  LoadedCheckpoint,
} from './checkpoint/checkpoint.js';
export { MODEL_FILE, OPTIMIZER_FILE, MANIFEST_FILE, BEST_DIR } from './checkpoint/manifest.js';
export type { CheckpointManifest, TrainerState } from './checkpoint/manifest.js';
export { encodeSafetensors, decodeSafetensors } from './checkpoint/safetensors.js';
export type { HostTensor, HostDtype, DecodedSafetensors } from './checkpoint/safetensors.js';
export { writeSafetensors, readSafetensors } from './checkpoint/tensor-files.js';
export { atomicWriteFile } from './checkpoint/atomic-write.js';
