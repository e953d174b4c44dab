// Suite `steps`: wall time per simulated time step of one feed-forward lifExp layer
// (@plasticity/neurons), the fused scan kernel against the per-step op loop, forward and
// forward + surrogate backward. `inputs = 1` isolates the time loop from the input matmul.
import { initBackend } from '@plasticity/core-tensors';
import { benchmarkStepCost } from './dist/step-cost.js';
import { printTable } from './table.js';

const SIZES = [
  { batch: 32, units: 200, inputs: 200 },
  { batch: 32, units: 200, inputs: 1 },
  { batch: 128, units: 350, inputs: 350 },
  { batch: 128, units: 350, inputs: 1 },
];

export async function runStepsSuite({ backends, json, progress }) {
  const results = [];
  for (const backend of backends) {
    await initBackend(backend);
    // Software WebGPU (SwiftShader) needs minutes for the large layer: the small ones only.
    const sizes = backend === 'webgpu' ? SIZES.filter((s) => s.units <= 200) : SIZES;
    for (const size of sizes) {
      for (const gradient of [false, true]) {
        const row = { backend, ...size, gradient };
        try {
          const ops = await benchmarkStepCost({ ...size, steps: 100, fused: false, gradient, repeats: 2 });
          const fused = await benchmarkStepCost({ ...size, steps: 100, fused: true, gradient, repeats: 2 });
          results.push({
            ...row,
            opsMsPerStep: ops.msPerStep,
            fusedMsPerStep: fused.fused ? fused.msPerStep : undefined,
          });
        } catch (error) {
          results.push({ ...row, error: String(error?.message ?? error) });
        }
        progress();
      }
    }
  }
  if (!json) {
    const rows = [
      ['backend', 'B', 'units', 'inputs', 'pass', 'op loop ms/step', 'fused ms/step', 'speed-up'],
    ];
    for (const r of results) {
      const pass = r.gradient ? 'fwd+bwd' : 'fwd';
      rows.push(
        r.error
          ? [r.backend, r.batch, r.units, r.inputs, pass, 'error', '', r.error]
          : [
              r.backend,
              r.batch,
              r.units,
              r.inputs,
              pass,
              r.opsMsPerStep.toFixed(3),
              r.fusedMsPerStep === undefined ? 'n/a' : r.fusedMsPerStep.toFixed(3),
              r.fusedMsPerStep === undefined ? '' : `${(r.opsMsPerStep / r.fusedMsPerStep).toFixed(1)}x`,
            ],
      );
    }
    printTable('steps: lifExp layer cost per time step (T = 100), fused scan vs op loop', rows);
  }
  return results;
}
