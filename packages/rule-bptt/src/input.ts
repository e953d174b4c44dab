import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, isEventBatch, binEvents, stepsFor } from '@plasticity/core-tensors';
import type { BatchInput, TaskSpec } from '@plasticity/core-tensors';
import { latencyDense, latencyTimes } from '@plasticity/neurons';
import type { LatencyEncoderConfig } from '@plasticity/neurons';
import type { BpttConfig } from './config.js';

/** The time grid a network is simulated on: `steps` steps of `dt` ms over `channels` inputs. */
export interface SpikeGrid {
  readonly steps: number;
  /** ms */
  readonly dt: number;
  readonly channels: number;
}

/**
 * Input spikes `[T, B, channels]` float32, or `[1, B, channels]` currents held at every step
 * (run the network with `steps: grid.steps`); `owned` when made here, so the caller must
 * dispose them.
 */
export interface GridSpikes {
  readonly spikes: tf.Tensor3D;
  readonly owned: boolean;
}

/** Turns a batch input of the task's form into spikes on the grid. */
export interface SpikeInput {
  readonly grid: SpikeGrid;
  /** For training: reads dense features without blocking (good for WebGPU). */
  spikes(x: BatchInput): Promise<GridSpikes>;
}

const DEFAULT_DT = 1;
/** Steps of a held current input when no duration is given (snnTorch's tutorials use 25). */
const DEFAULT_CURRENT_STEPS = 25;

function configError(message: string, field: string, details: Record<string, unknown> = {}): PlasticityError {
  return new PlasticityError('E_CONFIG', `bptt: ${message}`, { field, ...details });
}

function latestEncoderSpike(encoder: LatencyEncoderConfig): number {
  return Math.max(encoder.t0 + encoder.span, encoder.bias?.time ?? 0);
}

function requireTensor(x: BatchInput, what: string): tf.Tensor {
  if (isEventBatch(x)) {
    throw new PlasticityError('E_SHAPE', `bptt: this learner expects ${what}, got an event batch`, {
      input: 'events',
    });
  }
  return x;
}

function checkedDense(x: BatchInput, features: number): tf.Tensor {
  const tensor = requireTensor(x, `dense features [B, ${features}]`);
  const batch = tensor.shape[0] ?? 0;
  if (tensor.rank < 2 || tensor.size !== batch * features) {
    throw new PlasticityError(
      'E_SHAPE',
      `bptt expects inputs of ${features} features per sample, got shape [${tensor.shape}]`,
      { expected: features, shape: tensor.shape },
    );
  }
  return tensor;
}

/** Dense features as one step of currents `[1, B, features]`, held for the whole window. */
function currentInput(config: BpttConfig, features: number): SpikeInput {
  if (!config.layers) {
    throw configError(
      "inputCoding 'current' needs layers (the hidden form's first layer is lif-exp)",
      'inputCoding',
    );
  }
  const dt = config.dt ?? DEFAULT_DT;
  const steps = stepsFor(config.duration ?? DEFAULT_CURRENT_STEPS * dt, dt);
  const grid = { steps, dt, channels: features };
  return {
    grid,
    async spikes(x) {
      const tensor = checkedDense(x, features);
      const currents = tf.tidy(() => tf.cast(tf.reshape(tensor, [1, tensor.shape[0], features]), 'float32'));
      return { spikes: currents as tf.Tensor3D, owned: true };
    },
  };
}

function denseInput(config: BpttConfig, features: number): SpikeInput {
  if (config.inputCoding === 'current') return currentInput(config, features);
  const dt = config.dt ?? DEFAULT_DT;
  const latest = latestEncoderSpike(config.encoder);
  const duration = config.duration ?? latest + config.tauMem;
  const steps = stepsFor(duration, dt);
  if (Math.floor(latest / dt) >= steps) {
    throw configError(
      `the encoder's latest spike at ${latest} ms lies past the simulated window of ${steps} × ${dt} ms`,
      'duration',
      { latest, duration },
    );
  }
  const grid = { steps, dt, channels: features + (config.encoder.bias ? 1 : 0) };
  const encode = (values: ArrayLike<number>, batch: number): GridSpikes => {
    const code = latencyTimes({ data: values, shape: [batch, features] }, { ...config.encoder, dt, steps });
    return { spikes: latencyDense(code), owned: true };
  };
  return {
    grid,
    async spikes(x) {
      const tensor = checkedDense(x, features);
      return encode(await tensor.data(), tensor.shape[0]);
    },
  };
}

/**
 * Spike tensors `[T, B, channels]` on the task's grid, optionally cropped to `duration` and
 * merged onto a coarser `dt` (an integer multiple of the task's: a channel spikes in a merged
 * step when it spiked in any of its sub-steps).
 */
function spikeTensorInput(
  config: BpttConfig,
  taskSteps: number,
  taskDt: number,
  channels: number,
): SpikeInput {
  const dt = config.dt ?? taskDt;
  const factor = Math.round(dt / taskDt);
  if (!(factor >= 1 && Math.abs(factor * taskDt - dt) <= 1e-9 * dt)) {
    throw configError(
      `dt ${dt} ms must be a whole multiple of the task's spike-train step of ${taskDt} ms`,
      'dt',
      { task: taskDt },
    );
  }
  const taskDuration = taskSteps * taskDt;
  const duration = Math.min(config.duration ?? taskDuration, taskDuration);
  const steps = stepsFor(duration, dt);
  const used = Math.min(taskSteps, steps * factor); // task steps inside the window
  const grid = { steps, dt, channels };
  const convert = (x: BatchInput): GridSpikes => {
    const tensor = requireTensor(x, `spike trains [${taskSteps}, B, ${channels}]`);
    if (tensor.rank !== 3 || tensor.shape[0] !== taskSteps || tensor.shape[2] !== channels) {
      throw new PlasticityError(
        'E_SHAPE',
        `bptt expects spike trains [${taskSteps}, B, ${channels}], got shape [${tensor.shape}]`,
        { expected: [taskSteps, -1, channels], shape: tensor.shape },
      );
    }
    if (factor === 1 && used === taskSteps && tensor.dtype === 'float32') {
      return { spikes: tensor as tf.Tensor3D, owned: false };
    }
    const spikes = tf.tidy(() => {
      const batch = (tensor as tf.Tensor3D).shape[1];
      let t = tf.cast(used === taskSteps ? tensor : tf.slice(tensor, [0, 0, 0], [used, -1, -1]), 'float32');
      if (factor === 1) return t as tf.Tensor3D;
      t = tf.pad(t, [
        [0, steps * factor - used],
        [0, 0],
        [0, 0],
      ]);
      return tf.max(tf.reshape(t, [steps, factor, batch, channels]), 1) as tf.Tensor3D;
    });
    return { spikes, owned: true };
  };
  return { grid, spikes: async (x) => convert(x) };
}

function eventInput(config: BpttConfig, channels: number, taskDuration: number): SpikeInput {
  const dt = config.dt ?? DEFAULT_DT;
  const steps = stepsFor(config.duration ?? taskDuration, dt);
  const grid = { steps, dt, channels };
  const convert = (x: BatchInput): GridSpikes => {
    if (!isEventBatch(x)) {
      throw new PlasticityError(
        'E_SHAPE',
        `bptt expects an event batch for this task, got a tensor of shape [${x.shape}]`,
        { input: 'tensor', shape: x.shape },
      );
    }
    if (x.channels !== channels) {
      throw new PlasticityError('E_SHAPE', `bptt expects ${channels} event channels, got ${x.channels}`, {
        expected: channels,
        channels: x.channels,
      });
    }
    return { spikes: binEvents(x, { dt, steps, mode: 'binary', crop: true }), owned: true };
  };
  return { grid, spikes: async (x) => convert(x) };
}

/** The input stage for a task: latency-coded dense features, spike tensors, or binned events. */
export function createSpikeInput(config: BpttConfig, task: TaskSpec): SpikeInput {
  const input = task.input;
  if (config.inputCoding === 'current' && input.kind !== 'dense') {
    throw configError(
      `inputCoding 'current' codes dense features; this task gives ${input.kind}`,
      'inputCoding',
    );
  }
  switch (input.kind) {
    case 'dense': {
      const features = input.shape.reduce((a, b) => a * b, 1);
      if (!(Number.isInteger(features) && features > 0)) {
        throw configError(`task input shape [${input.shape}] has no features`, 'task.input.shape');
      }
      return denseInput(config, features);
    }
    case 'spikes':
      return spikeTensorInput(config, input.steps, input.dt, input.channels);
    case 'events':
      return eventInput(config, input.channels, input.duration);
    default:
      throw configError(
        `unknown task input kind ${String((input as { kind: unknown }).kind)}`,
        'task.input.kind',
      );
  }
}
