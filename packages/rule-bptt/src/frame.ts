import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { FrameConfig } from './config.js';

/** Per-step channel vectors as images: the network's per-sample input shape and the reshape. */
export interface FrameInput {
  /** `[H, W, C]` after the crop. */
  readonly shape: readonly [number, number, number];
  /** `[T, B, channels]` → `[T, B, H, W, C]` (NHWC per step), cropped. */
  toFrames(spikes: tf.Tensor3D): tf.Tensor;
}

/** Checks `frame` against the input's channel count and returns its reshape. */
export function frameInput(frame: FrameConfig, channels: number): FrameInput {
  const { height, width, channels: depth, layout, crop } = frame;
  if (height * width * depth !== channels) {
    throw new PlasticityError(
      'E_CONFIG',
      `bptt: frame ${height} × ${width} × ${depth} has ${height * width * depth} channels; the input has ${channels}`,
      { field: 'frame', expected: channels },
    );
  }
  const window = crop ?? { top: 0, left: 0, height, width };
  if (window.top + window.height > height || window.left + window.width > width) {
    throw new PlasticityError(
      'E_CONFIG',
      `bptt: frame.crop reaches outside the ${height} × ${width} sensor`,
      {
        field: 'frame.crop',
      },
    );
  }
  return {
    shape: [window.height, window.width, depth],
    toFrames: (spikes) =>
      tf.tidy(() => {
        const [steps, batch] = spikes.shape;
        const image =
          layout === 'chw'
            ? tf.transpose(tf.reshape(spikes, [steps, batch, depth, height, width]), [0, 1, 3, 4, 2])
            : tf.reshape(spikes, [steps, batch, height, width, depth]);
        if (!crop) return image;
        return tf.slice(image, [0, 0, window.top, window.left, 0], [-1, -1, window.height, window.width, -1]);
      }),
  };
}
