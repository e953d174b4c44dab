import { registerScanKernels } from './base.js';

export * from './base.js';

// Side effect: the fused lifExp scan kernels (cpu, wasm) and their gradient join tfjs' registry.
registerScanKernels();

// Composable networks, encoders and losses (issue 10).
export {
  CONNECTION_TYPES,
  LAYER_TYPES,
  LOSS_NAMES,
  NEURON_TYPES,
  createSpikingNetwork,
  deltaEncode,
  eventPropCompatible,
  lossByName,
  rateEncode,
  readoutScores,
  resolveLayers,
  softmaxCrossEntropy,
} from './base.js';
export type {
  AlifSpec,
  Compatibility,
  ConnectionSpec,
  Conv2dSpec,
  DeltaEncodeOptions,
  DenseSpec,
  FlattenSpec,
  IfSpec,
  InitSpec,
  LayerSpec,
  LayerTrace,
  LayerType,
  LifExpSpec,
  LifSpec,
  LiSpec,
  LossName,
  LossOptions,
  NetworkRun,
  NeuronSpec,
  Pool2dSpec,
  RateEncodeOptions,
  ReadoutRecord,
  RecurrentSpec,
  ResolvedLayer,
  SpikingLoss,
  SpikingNetwork,
  SpikingNetworkOptions,
} from './base.js';
