// Pure exports: importing this module registers nothing (index.ts registers the scan kernels).
export {
  alifParams,
  integrateAndFireParams,
  leakyIntegratorParams,
  lifExpParams,
  lifParams,
} from './models/params.js';
export type {
  AlifParams,
  AlifParamsInput,
  IntegrateAndFireParams,
  IntegrateAndFireParamsInput,
  LeakyIntegratorParams,
  LeakyIntegratorParamsInput,
  LifExpParams,
  LifExpParamsInput,
  LifParams,
  LifParamsInput,
  NeuronParams,
} from './models/params.js';
export { expSynapseConstants, refractorySteps } from './models/decay.js';
export type { ExpSynapseConstants } from './models/decay.js';
export { initialState, stateTensors } from './models/state.js';
export type { NeuronState, StepResult } from './models/state.js';
export { leakyIntegratorStep, lifExpStep } from './models/lif-exp.js';
export { alifStep, integrateAndFireStep, lifStep } from './models/lif.js';
export { neuronStep } from './models/step.js';
export { arctan, fastSigmoid, heaviside, superSpike, surrogateDerivative } from './surrogate.js';
export type { SpikeFunction, SurrogateSpec } from './surrogate.js';
export { denseSpiking } from './layers/dense-spiking.js';
export type { DenseSpikingOptions } from './layers/dense-spiking.js';
export { leakyIntegrator } from './layers/leaky-integrator.js';
export type { LeakyIntegratorOptions } from './layers/leaky-integrator.js';
export type {
  DenseSpikingLayer,
  Layer,
  LayerRun,
  LayerWeights,
  LeakyIntegratorLayer,
  RunOptions,
} from './layers/types.js';
export { expWeightedMeanVoltage, firstSpikeTime, maxVoltage, spikeCount } from './readouts.js';
export { hasFusedScan, lifExpScan } from './scan/lif-exp-scan.js';
export { LIF_EXP_SCAN, LIF_EXP_SCAN_GRAD, SCAN_BACKENDS, registerScanKernels } from './scan/kernels.js';
export { simulate, spikeEvents } from './simulate.js';
export type { LayerEvents, SimulateOptions, SimulationResult, VoltageTrace } from './simulate.js';
export { benchmarkStepCost } from './bench.js';
export type { StepCost, StepCostOptions } from './bench.js';
