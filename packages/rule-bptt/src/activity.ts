import * as tf from '@tensorflow/tfjs-core';
import { columnSums } from '@plasticity/core-tensors';

/** The `hiddenRate` (spikes per neuron and second, batch mean) and `silentFraction` of one step. */
export interface SpikeActivity {
  readonly rate: tf.Scalar;
  readonly silent: tf.Scalar;
}

/**
 * Activity of hidden spike rasters `[T, B, ...units]` over a window of `windowSeconds`: the mean
 * firing rate, and the fraction of neurons that spiked for no sample of the batch. Kept
 * (`tf.keep`): the caller disposes them. Each neuron's count is a matrix-vector product, not a
 * reduction over the leading axes (which the wasm backend transposes the raster for).
 */
export function spikeActivity(rasters: readonly tf.Tensor[], windowSeconds: number): SpikeActivity {
  return tf.tidy(() => {
    let units = 0;
    const perNeuron = rasters.map((raster) => {
      const [steps, batch] = raster.shape;
      const width = raster.size / (steps * batch);
      units += width;
      return columnSums(tf.reshape(raster, [steps * batch, width]));
    });
    const batch = rasters[0].shape[1]!;
    const total = tf.addN(perNeuron.map((c) => tf.sum(c)));
    const silent = tf.addN(perNeuron.map((c) => tf.sum(tf.cast(tf.equal(c, 0), 'float32'))));
    return {
      rate: tf.keep(tf.div(total, units * batch * windowSeconds)) as tf.Scalar,
      silent: tf.keep(tf.div(silent, units)) as tf.Scalar,
    };
  });
}
