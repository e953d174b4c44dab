export type {
  AsyncSimulationOptions,
  Quadratic,
  SimulationResult,
  SyncSimulationOptions,
  TreeSimulationOptions,
  TreeSimulationResult,
} from './quadratic.js';
export { DIVERGED_AT, quadraticGradient, simulateAsync, simulateSync, simulateTree } from './quadratic.js';
