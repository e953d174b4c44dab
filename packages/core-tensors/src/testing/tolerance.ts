import type { ConcreteBackendName } from '../backend/types.js';

/** Elementwise closeness: |actual − expected| ≤ atol + rtol·|expected| (numpy's allclose). */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

// cpu/wasm: measured by src/backend/matrix.test.ts (elementwise ops, matMul, logSoftmax, an MLP
// loss and its autodiff gradients vs float64): the worst element uses 3% of this allowance.
// webgpu: SwiftShader is near-IEEE (worst 9% of the cpu allowance), but WGSL lets GPUs
// approximate builtins (log to 2^-21 absolute, sin/cos to 2^-11), so GPUs get tfjs' own
// float32 test epsilon. node-gpu: libtensorflow may run matmuls in TF32 (10-bit mantissa).
const TOLERANCES: Readonly<Record<ConcreteBackendName, Tolerance>> = {
  cpu: { rtol: 1e-5, atol: 1e-6 },
  wasm: { rtol: 1e-5, atol: 1e-6 },
  webgpu: { rtol: 1e-3, atol: 1e-4 },
  'node-gpu': { rtol: 1e-3, atol: 1e-4 },
};

/** How close float32 results on `backend` must be to an exact (float64) reference. */
export function tolerance(backend: ConcreteBackendName): Tolerance {
  const t = TOLERANCES[backend];
  if (!t) throw new Error(`no tolerance for backend "${backend}"`);
  return t;
}

/**
 * Throws an Error naming the worst element when `actual` and `expected` differ beyond `tol`
 * (or in length, or where only one is NaN). Framework-agnostic: use it from any test runner.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  label = 'values',
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: ${actual.length} values, expected ${expected.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  let failures = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    const allowed = tol.atol + tol.rtol * Math.abs(e);
    const error = Math.abs(a - e);
    if (!(error <= allowed)) {
      failures++;
      const excess = Number.isNaN(error) ? Infinity : error / allowed;
      if (worst < 0 || excess > worstExcess) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (failures > 0) {
    throw new Error(
      `${label}: ${failures} of ${actual.length} differ beyond rtol ${tol.rtol}, atol ${tol.atol}; ` +
        `worst at [${worst}]: ${actual[worst]} vs expected ${expected[worst]}`,
    );
  }
}
