// One-shot content-addressable memory with binary BTSP synapses (Wu & Maass, Nat. Commun. 2025).
export {
  createBinaryMemory,
  drawPlateaus,
  storeBinaryItem,
  recallBinary,
  binaryWeightFraction,
  weightFractionClosedForm,
  type BinaryMemory,
  type BinaryMemoryParams,
  type Plateaus,
  type PlateauVariant,
} from './binary-memory.js';
export { activeOf, randomPatterns, removeFraction, type SparsePatterns } from './patterns.js';
export { recallDistance, type RecallDistance } from './metrics.js';
export {
  createHopfield,
  storeHopfield,
  recallHopfield,
  type Hopfield,
  type HopfieldRecallParams,
} from './hopfield.js';
export { btspMemoryOptionsSchema, type BtspMemoryOptions } from './options.js';
export { btspMemoryExperiment, runBtspMemory, type BtspMemoryPoint } from './experiment.js';
