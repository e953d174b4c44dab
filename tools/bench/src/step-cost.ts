import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import { denseSpiking, fastSigmoid, hasFusedScan, heaviside, lifExpParams } from '@plasticity/neurons';

export interface StepCostOptions {
  /** Samples per batch. */
  readonly batch: number;
  /** lifExp neurons in the layer. */
  readonly units: number;
  /** Input channels (default `units`). */
  readonly inputs?: number;
  /** Time steps per run (default 100). */
  readonly steps?: number;
  /** Use the fused scan kernel where the backend has one (default true). */
  readonly fused?: boolean;
  /** Measure forward + surrogate backward (default false: forward only). */
  readonly gradient?: boolean;
  /** Timed runs after one warm-up run (default 3); the median counts. */
  readonly repeats?: number;
}

export interface StepCost {
  readonly backend: string;
  readonly batch: number;
  readonly units: number;
  readonly steps: number;
  /** Whether the fused kernel actually ran (false where the backend has none). */
  readonly fused: boolean;
  readonly gradient: boolean;
  /** Median wall time of one run divided by its steps, in ms (input matmul included). */
  readonly msPerStep: number;
}

/**
 * Wall time per time step of one feed-forward lifExp layer on the active backend, for a
 * seeded random input (~10% spike probability) — compare the fused scan with the op loop.
 */
export async function benchmarkStepCost(options: StepCostOptions): Promise<StepCost> {
  const { batch, units, inputs = units, steps = 100, fused = true, gradient = false, repeats = 3 } = options;
  const rng = createRng(1);
  const layer = denseSpiking({ inputs, units, model: lifExpParams() });
  const x = tf.tensor3d(
    Float32Array.from(rng.fork('x').uniformArray(steps * batch * inputs, 0, 1), (u) => (u < 0.1 ? 1 : 0)),
    [steps, batch, inputs],
  );
  const kernel = tf.tidy(() =>
    tf.variable(tf.tensor2d(rng.fork('w').normalArray(inputs * units, 0.5, 1), [inputs, units])),
  );
  const spikeFn = gradient ? fastSigmoid() : heaviside;
  const once = async () => {
    if (gradient) {
      const { value, grads } = tf.variableGrads(() => {
        const out = layer.run({ kernel }, x, spikeFn, { record: true, fused });
        return tf.add(tf.sum(out.spikes), tf.sum(out.v!)) as tf.Scalar;
      }, [kernel]);
      await grads[kernel.name].data();
      tf.dispose([value, grads[kernel.name]]);
    } else {
      const out = layer.run({ kernel }, x, spikeFn, { fused });
      await out.spikes.data();
      out.spikes.dispose();
    }
  };
  await once();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  tf.dispose([x, kernel]);
  times.sort((a, b) => a - b);
  return {
    backend: tf.getBackend(),
    batch,
    units,
    steps,
    fused: fused && hasFusedScan(),
    gradient,
    msPerStep: times[Math.floor(times.length / 2)] / steps,
  };
}
