import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '@plasticity/core-tensors';
import { preprocessFeatures } from '../preprocess/preprocess.js';
import { tinyMnist } from '../testing/mnist-fixture.js';
import { tempDir } from '../testing/temp-dir.js';
import { useCpuBackend } from '../testing/tf-backend.js';
import { YINYANG_SPLITS, yinYang } from '../yinyang/yinyang.js';
import { MNIST_DVS_CHANNELS, MNIST_DVS_DEFAULT_LIMIT, movingDigitEvents } from '../dvs/moving-digit.js';
import { loadDataset } from './node-sources.js';
import { carveValidation, listDatasets } from './registry.js';

const tiny = tinyMnist(40, 6);
let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  await useCpuBackend();
  dir = await tempDir();
  await mkdir(join(dir.path, 'mnist'));
  for (const [name, bytes] of Object.entries(tiny.files))
    await writeFile(join(dir.path, 'mnist', name), bytes);
});
afterAll(() => dir.remove());

describe('dataset registry', () => {
  test('listDatasets names the known sets', () => {
    expect(listDatasets().map((d) => d.name)).toEqual([
      'yinyang',
      'mnist',
      'fashion-mnist',
      'shd',
      'nmnist',
      'mnist-dvs',
      'delayed-xor',
      'input-reproduction',
    ]);
    expect(listDatasets()[0].sizes).toEqual({ train: 5000, validation: 1000, test: 1000 });
  });

  test('unknown name → E_UNKNOWN_DATASET listing the known ones', async () => {
    const error = await loadDataset('cifar').catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_UNKNOWN_DATASET')).toBe(true);
    expect((error as Error).message).toBe(
      "unknown dataset 'cifar'; known: yinyang, mnist, fashion-mnist, shd, nmnist, mnist-dvs, delayed-xor, input-reproduction",
    );
  });

  test('yinyang: published splits, task, preprocess spec that reproduces the features from (x, y)', async () => {
    const ds = await loadDataset('yinyang');
    expect([ds.train.size, ds.validation?.size, ds.test.size]).toEqual([5000, 1000, 1000]);
    expect(ds.task).toEqual({ input: { kind: 'dense', shape: [4] }, outputs: 3, kind: 'classification' });
    expect(JSON.parse(JSON.stringify(ds.preprocess))).toEqual({
      kind: 'mirror',
      inputShape: [4],
      raw: { what: 'Yin-Yang points (x, y)', dtype: 'float64', range: [0, 1], bounds: 'exact', shape: [2] },
    });
    expect(ds.train.labels[0]).toBe(2);
    // Raw float64 (x, y) of the first 3 test samples, through the recorded preprocessing, give the stored features.
    const xy = yinYang(YINYANG_SPLITS.test).points.subarray(0, 6);
    const x = preprocessFeatures(ds.preprocess, { data: xy, shape: [3, 2] });
    expect(Array.from(await x.data())).toEqual(Array.from(ds.test.features.subarray(0, 12)));
    x.dispose();
    await expect(loadDataset('yinyang', { validation: 100 })).rejects.toThrow(/published validation split/);
  });

  test('mnist: scaled float32 features, preprocess spec applied to raw pixels gives the same inputs', async () => {
    const before = tf.memory().numTensors;
    const ds = await loadDataset('mnist', { dataDir: dir.path, download: false });
    expect([ds.train.size, ds.test.size, ds.validation]).toEqual([40, 6, undefined]);
    expect(ds.train.featureShape).toEqual([784]);
    expect(ds.task.outputs).toBe(10);
    expect(ds.preprocess).toEqual({
      kind: 'scale',
      factor: 1 / 255,
      inputShape: [784],
      rawRange: [0, 255],
      raw: { what: 'mnist pixels', dtype: 'uint8', range: [0, 255], bounds: 'exact', shape: [28, 28] },
    });
    expect(ds.test.features[5]).toBe(Math.fround(tiny.testImages[5] / 255));
    const x = preprocessFeatures(ds.preprocess, { data: tiny.testImages, shape: [6, 28, 28] });
    expect(await x.data()).toEqual(ds.test.features);
    x.dispose();
    expect(Array.from(ds.test.labels)).toEqual(Array.from(tiny.testLabels));
    expect(tf.memory().numTensors).toBe(before);
  });

  test('mnist validation carved from train with a seed: disjoint, complete, reproducible', async () => {
    const a = await loadDataset('mnist', {
      dataDir: dir.path,
      download: false,
      validation: { size: 10, seed: 3 },
    });
    const b = await loadDataset('mnist', {
      dataDir: dir.path,
      download: false,
      validation: { size: 10, seed: 3 },
    });
    expect([a.train.size, a.validation?.size]).toEqual([30, 10]);
    expect(a.validation?.labels).toEqual(b.validation?.labels);
    const { validation, train } = carveValidation(40, { size: 10, seed: 3 });
    expect([...validation, ...train].sort((p, q) => p - q)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(Array.from(a.validation!.labels)).toEqual(Array.from(validation, (i) => tiny.trainLabels[i]));
    expect(Array.from(a.train.features.subarray(0, 784))).toEqual(
      Array.from(tiny.trainImages.subarray(train[0] * 784, train[0] * 784 + 784), (p) =>
        Math.fround(p / 255),
      ),
    );
    expect(carveValidation(40, 0.25).validation.length).toBe(10);
    expect(() => carveValidation(40, 40)).toThrow(/non-empty/);
  });

  test('mnist-dvs: the first MNIST images recorded by the emulated event camera, with their labels', async () => {
    const ds = await loadDataset('mnist-dvs', {
      dataDir: dir.path,
      download: false,
      limit: { train: 3, test: 2 },
    });
    expect(ds.task).toEqual({
      input: { kind: 'events', channels: MNIST_DVS_CHANNELS, duration: 300 },
      outputs: 10,
      kind: 'classification',
    });
    expect([ds.train.size, ds.test.size]).toEqual([3, 2]);
    expect(Array.from(ds.train.labels)).toEqual(Array.from(tiny.trainLabels.subarray(0, 3)));
    // The same recordings as the emulator makes of those images with the training split's seed.
    const direct = movingDigitEvents(tiny.trainImages, { count: 3, rows: 28, cols: 28 }, {}, 1);
    expect(Array.from(ds.train.events.times)).toEqual(Array.from(direct.times));
    expect(listDatasets().find((d) => d.name === 'mnist-dvs')?.sizes).toEqual(MNIST_DVS_DEFAULT_LIMIT);
    await expect(
      loadDataset('mnist-dvs', { dataDir: dir.path, download: false, limit: { train: 0 } }),
    ).rejects.toThrow(/limit.train must be a whole number/);
  });
});
