#!/usr/bin/env node
/* global console, process */
// Per-step cost of one feed-forward lifExp layer, fused scan vs per-step op loop, forward and
// forward + surrogate backward, on each backend named (default cpu,wasm). Needs `npm run build`.
//   node packages/neurons/bench/step-cost.js [cpu,wasm,webgpu]
import { initBackend } from '@plasticity/core-tensors';
import { benchmarkStepCost } from '@plasticity/neurons';

const backends = (process.argv[2] ?? 'cpu,wasm').split(',');
// inputs = units: a whole layer (input matmul included); inputs = 1: the time loop alone.
const sizes = [
  { batch: 32, units: 200, inputs: 200 },
  { batch: 32, units: 200, inputs: 1 },
  { batch: 128, units: 350, inputs: 350 },
  { batch: 128, units: 350, inputs: 1 },
];
for (const backend of backends) {
  await initBackend(backend);
  for (const size of sizes) {
    for (const gradient of [false, true]) {
      const row = [];
      for (const fused of [false, true]) {
        const cost = await benchmarkStepCost({ ...size, steps: 100, fused, gradient });
        row.push(`${cost.fused ? 'fused' : 'ops'} ${cost.msPerStep.toFixed(3)} ms/step`);
      }
      console.log(
        `${backend} B=${size.batch} N=${size.units} in=${size.inputs} ${gradient ? 'fwd+bwd' : 'fwd    '}: ${row.join(', ')}`,
      );
    }
  }
}
