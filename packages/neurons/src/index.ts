import { registerScanKernels } from './base.js';

export * from './base.js';

// Side effect: the fused lifExp scan kernels (cpu, wasm) and their gradient join tfjs' registry.
registerScanKernels();
