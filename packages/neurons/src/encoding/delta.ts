import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';

export interface DeltaEncodeOptions {
  /** Change since the last spike that makes a spike (> 0). */
  readonly threshold: number;
  /**
   * Also emit OFF spikes for decreases (default false). The output then has twice the
   * channels on its last axis: ON for every input channel, then OFF for every input channel.
   */
  readonly offSpikes?: boolean;
  /** Reference level before the first step: 0 (default, as snnTorch) or the first sample. */
  readonly initial?: 'zero' | 'first';
}

/**
 * Delta (threshold-crossing, send-on-delta) coding for dense signals `[T, B, ...]`, the way an
 * event camera pixel works: each channel keeps a reference level; when the signal has moved up
 * by ≥ threshold from it, an ON spike is emitted (down by ≥ threshold: an OFF spike, with
 * `offSpikes`) and the reference jumps to the current value. Spikes are 0/1.
 */
export function deltaEncode(signal: tf.Tensor, options: DeltaEncodeOptions): tf.Tensor {
  const { threshold, offSpikes = false, initial = 'zero' } = options;
  if (!(Number.isFinite(threshold) && threshold > 0)) {
    throw new PlasticityError(
      'E_CONFIG',
      `deltaEncode: threshold must be a finite number > 0, got ${threshold}`,
      {
        field: 'threshold',
      },
    );
  }
  if (signal.rank < 2) {
    throw new PlasticityError(
      'E_SHAPE',
      `deltaEncode: signal must be [T, ...], got [${signal.shape.join(', ')}]`,
      {
        field: 'signal',
      },
    );
  }
  return tf.tidy(() => {
    const steps = tf.unstack(signal);
    let reference = initial === 'first' ? steps[0] : tf.zerosLike(steps[0]);
    const out = steps.map((x) => {
      const change = tf.sub(x, reference);
      const on = tf.greaterEqual(change, threshold);
      const off = tf.lessEqual(change, -threshold);
      reference = tf.where(tf.logicalOr(on, off), x, reference);
      const onSpikes = tf.cast(on, 'float32');
      return offSpikes ? tf.concat([onSpikes, tf.cast(off, 'float32')], -1) : onSpikes;
    });
    return tf.stack(out);
  });
}
