import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, parseConfig } from '@plasticity/core-tensors';
import { useBackend } from '@plasticity/core-tensors/testing';
import { btspRule } from './rule.js';
import {
  createSamplePass,
  forwardBatch,
  forwardSample,
  initialLayers,
  layerRates,
  layerShapes,
  layerSizes,
} from './network.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const rates = (shape: { active?: number; inhibition?: number }, drive: number[]) => {
  const out = new Float32Array(drive.length);
  layerRates(shape, Float32Array.from(drive), out, new Float32Array(drive.length));
  return Array.from(out);
};

describe('layerRates', () => {
  test('k-WTA: the k most driven units fire at (drive − θ)/(max − θ), θ the largest silent drive', () => {
    // θ = 0.3 (third largest), max 0.9.
    const out = rates({ active: 2 }, [0.1, 0.5, 0.3, 0.9, 0.2]);
    expect(out.map((v) => Number(v.toFixed(6)))).toEqual([0, Number((0.2 / 0.6).toFixed(6)), 0, 1, 0]);
  });

  test('k-WTA with equal drives fires nobody (no winner)', () => {
    expect(rates({ active: 2 }, [0.4, 0.4, 0.4, 0.4])).toEqual([0, 0, 0, 0]);
  });

  test('output: drive minus inhibition × mean drive, clamped to [0, 1]', () => {
    // mean 0.8, offset 0.4.
    const out = rates({ inhibition: 0.5 }, [0.2, 0.6, 1.6]);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(0.2, 6);
    expect(out[2]).toBe(1);
  });
});

describe('forward pass', () => {
  const config = parseConfig(btspRule, { hidden: [30, 20], activeFraction: 0.2, initScale: 4 });
  const sizes = layerSizes(config, 16, 4);
  const layers = initialLayers(config, sizes, createRng(5));

  test('initial weights lie in [0, scale/√fanIn], below wmax', () => {
    layers.forEach((layer, l) => {
      const scale =
        (l === layers.length - 1 ? config.outputInitScale : config.initScale) / Math.sqrt(layer.inputs);
      expect(Math.min(...layer.weights)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...layer.weights)).toBeLessThanOrEqual(scale);
      expect(layer.weightMax).toBeCloseTo(config.weightMax / Math.sqrt(layer.inputs), 12);
    });
  });

  test('the batched tensor pass (prediction) matches the host pass (training) sample by sample', () => {
    const shapes = layerShapes(config, sizes);
    expect(shapes.map((s) => s.active)).toEqual([6, 4, undefined]);
    const x = createRng(9).uniformArray(12 * 16);
    const batched = tf.tidy(() =>
      forwardBatch(
        layers.map((layer) => tf.tensor2d(layer.weights, [layer.units, layer.inputs])),
        shapes,
        tf.tensor2d(x, [12, 16]),
      ).arraySync(),
    );
    const pass = createSamplePass(sizes);
    const scratch = new Float32Array(30);
    let firing = 0;
    for (let b = 0; b < 12; b++) {
      forwardSample(layers, shapes, x.subarray(b * 16, (b + 1) * 16), pass, scratch);
      firing += pass.rates[1].filter((v) => v > 0).length;
      Array.from(pass.rates[3]).forEach((v, c) => expect(batched[b][c]).toBeCloseTo(v, 5));
    }
    expect(firing).toBe(12 * 6);
  });
});
