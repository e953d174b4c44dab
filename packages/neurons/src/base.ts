// Pure exports: importing this module registers nothing (index.ts registers the scan kernels).
export {
  alifParams,
  gatedThetaParams,
  integrateAndFireParams,
  leakyIntegratorParams,
  lifExpParams,
  lifParams,
} from './models/params.js';
export type {
  AlifParams,
  AlifParamsInput,
  GatedThetaParams,
  GatedThetaParamsInput,
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
export { gatedThetaStep } from './models/gated-theta.js';
export type { GatedThetaStepResult } from './models/gated-theta.js';
export {
  arctan,
  fastSigmoid,
  heaviside,
  superSpike,
  surrogateDerivative,
  surrogateFunction,
} from './surrogate.js';
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
export { hasFusedLifScan, lifScan } from './scan/lif-scan.js';
export {
  LIF_EXP_SCAN,
  LIF_EXP_SCAN_GRAD,
  LIF_SCAN,
  LIF_SCAN_BACKENDS,
  LIF_SCAN_GRAD,
  SCAN_BACKENDS,
  registerScanKernels,
} from './scan/kernels.js';
export { simulate, spikeEvents } from './simulate.js';
export type { LayerEvents, SimulateOptions, SimulationResult, VoltageTrace } from './simulate.js';
export { RENAMED, SURROGATES, VOLTAGE_READOUTS, choiceSchema } from './vocabulary.js';
export type { SurrogateName, VoltageReadout } from './vocabulary.js';
export {
  eventsToDense,
  latencyDense,
  latencyEncode,
  latencyEvents,
  latencyPacked,
  latencyTimes,
} from './encoding/latency.js';
export type { FeatureMatrix, LatencyCode, LatencyOptions, PackedSpikes } from './encoding/latency.js';
export { latencyEncoderSchema } from './encoding/latency-config.js';
export type { LatencyEncoderConfig } from './encoding/latency-config.js';
// The exact event-driven simulator and its adjoint (EventProp's engine).
export { EventPropNetwork, paramShapes, sharedFloat64 } from './event/network.js';
export type { NetworkSpec } from './event/network.js';
export { crossingTime, lifConstants, stationaryTime, voltageAfter } from './event/lif.js';
export type { LifConstants } from './event/lif.js';
export type { SpikeList } from './event/spike-buffer.js';
export { packedSamples } from './event/host-samples.js';
export type { HostSamples } from './event/host-samples.js';
export { downloadWeights, gradientTensors } from './event/host-params.js';
export { ttfsLoss } from './event/loss.js';
export type { TtfsLossOptions } from './event/loss.js';
export {
  EVENT_LOSSES,
  EVENT_LOSS_OUTPUT,
  finishBatch,
  outputScores,
  runBatch,
  runSamples,
  scoreSamples,
} from './event/objective.js';
export type { BatchResult, EventLossName, ObjectiveOptions, PartialResult } from './event/objective.js';
export { createSpikingNetwork } from './network/network.js';
export type {
  LayerTrace,
  NetworkRun,
  NetworkRunOptions,
  SpikingNetwork,
  SpikingNetworkOptions,
} from './network/network.js';
export {
  CONNECTION_TYPES,
  LAYER_TYPES,
  NEURON_TYPES,
  layerConfigError,
  resolveLayers,
} from './network/spec.js';
export type {
  AlifSpec,
  ConnectionSpec,
  Conv2dSpec,
  DenseSpec,
  FlattenSpec,
  IfSpec,
  InitSpec,
  LayerSpec,
  LayerType,
  LifExpSpec,
  LifSpec,
  LiSpec,
  NeuronSpec,
  Pool2dSpec,
  RecurrentSpec,
  ResolvedLayer,
} from './network/spec.js';
export { eventPropCompatible } from './network/event-prop.js';
export type { Compatibility } from './network/event-prop.js';
export { rateEncode } from './encoding/rate.js';
export type { RateEncodeOptions } from './encoding/rate.js';
export { deltaEncode } from './encoding/delta.js';
export type { DeltaEncodeOptions } from './encoding/delta.js';
export { LOSS_NAMES, lossByName, readoutScores } from './losses/losses.js';
export type { LossName, LossOptions, ReadoutRecord, SpikingLoss } from './losses/losses.js';
// NIR (Neuromorphic Intermediate Representation) graphs ↔ layer chains; files in `./node`.
export { NIR_VERSION, checkNirGraph, nirFloat32, nirInt64, isNirGraph, nirNumbers } from './nir/graph.js';
export type { NirArray, NirDocument, NirGraph, NirNode, NirValue } from './nir/graph.js';
export { importNirGraph, networkFromNir } from './nir/import.js';
export type { ImportedNetwork, NirImportOptions } from './nir/import.js';
export { exportLayerChain, exportNirGraph } from './nir/export.js';
export type { ExportedNir } from './nir/export.js';
export {
  thetaNeuron,
  thetaPhase,
  thetaSensitive,
  thetaTransfer,
  thetaTransferSlopes,
  thetaVoltage,
} from './smooth/theta.js';
export type { ThetaNeuron, ThetaNeuronInput, ThetaSlopes } from './smooth/theta.js';
export { ThetaNetwork, thetaParamsLike } from './smooth/theta-network.js';
export type { ThetaNetworkSpec, ThetaParams, ThetaSampleResult } from './smooth/theta-network.js';
export type { SpikeTrain } from './smooth/theta-layer.js';
export { Dual } from './smooth/dual.js';
export {
  QIF_MIN_SPIKE_WEIGHT,
  qifFlow,
  qifNeuron,
  qifPseudospikes,
  qifTimeToSpike,
  simulateQif,
} from './smooth/qif.js';
export type { QifInput, QifNeuron, QifState, QifTrial } from './smooth/qif.js';
