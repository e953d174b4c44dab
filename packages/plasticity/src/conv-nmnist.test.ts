// A convolutional BPTT network trains on event-camera data in the N-MNIST file format: synthetic
// moving bars are written as N-MNIST bytes, parsed back by the datasets package, and fed to
// the bptt rule through a `frame` that turns each step's channels into [H, W, 2] images.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, fit, packEventBatch, parseConfig, parseFitSettings } from '@plasticity/core-tensors';
import type { Rng, SpikeEvents, TaskSpec } from '@plasticity/core-tensors';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import {
  NMNIST_CHANNELS,
  NMNIST_SIZE,
  encodeNmnist,
  eventSplit,
  nmnistSample,
  parseNmnist,
} from '@plasticity/datasets';
import { bpttRule } from '@plasticity/rule-bptt';

/** The bars move on this corner of the 34 × 34 sensor; the frame crops to it. */
const CORNER = 10;
const DURATION_MS = 14;
const CLASSES = 3; // bar moving right, left, down

/**
 * One recording, N-MNIST style: a bar crossing the corner, each move lighting its new position
 * (ON, polarity 1) and darkening the old one (OFF), 20% of events dropped, 10% noise events.
 */
function movingBar(label: number, rng: Rng): Uint8Array {
  const events: [x: number, y: number, polarity: number, us: number][] = [];
  const moves = CORNER - 3;
  const start = rng.int(2);
  const [lo, hi] = [rng.int(3), CORNER - 1 - rng.int(3)];
  for (let m = 0; m < moves; m++) {
    const from = start + (label === 1 ? moves - m : m);
    const to = from + (label === 1 ? -1 : 1);
    const us = ((m + 0.5) / moves) * DURATION_MS * 1000;
    for (let along = lo; along <= hi; along++) {
      for (const [line, polarity] of [
        [to, 1],
        [from, 0],
      ]) {
        if (rng.uniform() < 0.2) continue;
        const [x, y] = label === 2 ? [along, line] : [line, along];
        events.push([x, y, polarity, Math.round(us + (rng.uniform() - 0.5) * 500)]);
      }
    }
  }
  for (let k = Math.round(0.1 * events.length); k > 0; k--) {
    events.push([
      rng.int(CORNER),
      rng.int(CORNER),
      rng.int(2),
      Math.floor(rng.uniform() * DURATION_MS * 1000),
    ]);
  }
  events.sort((a, b) => a[3] - b[3]);
  return encodeNmnist({
    x: Uint8Array.from(events, (e) => e[0]),
    y: Uint8Array.from(events, (e) => e[1]),
    polarity: Uint8Array.from(events, (e) => e[2]),
    timestamps: Float64Array.from(events, (e) => e[3]),
  });
}

/** `n` recordings of balanced classes, through the N-MNIST parser, as an event split. */
function split(n: number, seed: number, shuffle: boolean) {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: n }, (_, k) => k % CLASSES);
  const samples: SpikeEvents[] = Array.from(labels, (label, k) =>
    nmnistSample(parseNmnist(movingBar(label, rng), `bar-${k}.bin`), DURATION_MS),
  );
  return eventSplit(packEventBatch(samples, NMNIST_CHANNELS, DURATION_MS), labels, { shuffle });
}

// One backend keeps it to seconds: wasm where the kit has it (cpu is ~5× slower here), not WebGPU.
const available = await testBackends();
const backend = available.includes('wasm') ? 'wasm' : 'cpu';

describe(backend, () => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('a conv2d → lif → pool2d → dense → li network learns three bar directions', async () => {
    const task: TaskSpec = {
      input: { kind: 'events', channels: NMNIST_CHANNELS, duration: DURATION_MS },
      outputs: CLASSES,
      kind: 'classification',
    };
    const config = parseConfig(bpttRule, {
      layers: [
        { type: 'conv2d', filters: 8, kernel: 3 },
        { type: 'lif' },
        { type: 'pool2d', kind: 'max', size: 2 },
        { type: 'flatten' },
        { type: 'dense', units: CLASSES },
        { type: 'li' },
      ],
      frame: {
        height: NMNIST_SIZE,
        width: NMNIST_SIZE,
        channels: 2,
        layout: 'chw',
        crop: { top: 0, left: 0, height: CORNER, width: CORNER },
      },
      dt: 1,
      duration: DURATION_MS,
      learningRate: 3e-2,
    });
    const start = tf.memory().numTensors;
    const learner = bpttRule.create(config, task, 0);
    const result = await fit(
      learner,
      { train: split(120, 1, true), test: split(60, 2, false) },
      parseFitSettings({ epochs: 2, batchSize: 8, learningRate: 3e-2, seed: 0 }),
    );
    const last = result.history[result.history.length - 1];
    expect(last.test!.accuracy).toBeGreaterThan(0.9);
    expect(result.history[0].train.loss).toBeGreaterThan(last.train.loss);
    learner.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
