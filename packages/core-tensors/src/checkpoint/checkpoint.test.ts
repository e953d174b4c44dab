import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { linearLearner } from '../__fixtures__/linear-learner.js';
import { initBackend } from '../backend/init.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { disposeCheckpoint, loadCheckpoint, restoreParams, saveCheckpoint } from './checkpoint.js';
import { MANIFEST_FILE, MODEL_FILE, OPTIMIZER_FILE } from './manifest.js';
import { readSafetensors, writeSafetensors } from './tensor-files.js';

let root: string;
beforeAll(async () => {
  await initBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'ckpt-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<PlasticityError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlasticityError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('saveCheckpoint / loadCheckpoint', () => {
  test('round trip: params, optimiser state, config, metadata, epoch; no tensors leak', async () => {
    const learner = linearLearner({ inputs: 4, classes: 3, seed: 1 });
    const dir = join(root, 'roundtrip');
    const before = tf.memory().numTensors;
    const manifest = await saveCheckpoint(dir, {
      learner,
      config: { rule: 'linear', hidden: [] },
      metadata: { dataset: 'blobs', preprocess: { mean: 0 } },
      epoch: 3,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(manifest.files).toEqual({ model: MODEL_FILE, optimizer: OPTIMIZER_FILE });
    expect(manifest.params).toEqual({
      w: { dtype: 'float32', shape: [4, 3] },
      b: { dtype: 'float32', shape: [3] },
    });

    const loaded = await loadCheckpoint(dir);
    expect(loaded).toMatchObject({
      epoch: 3,
      config: { rule: 'linear', hidden: [] },
      metadata: { dataset: 'blobs' },
    });
    expect(Array.from(await loaded.params.w.data())).toEqual(Array.from(await learner.params.w.data()));
    expect(Object.keys(loaded.state ?? {}).sort()).toEqual(['b/velocity', 'steps', 'w/velocity']);
    disposeCheckpoint(loaded);
    expect(tf.memory().numTensors).toBe(before);
    learner.dispose();
  });

  test('model.safetensors carries the params under their names, with save id and epoch metadata', async () => {
    const learner = linearLearner({ inputs: 2, classes: 2, seed: 2 });
    const dir = join(root, 'names');
    const manifest = await saveCheckpoint(dir, { learner, config: {}, epoch: 1 });
    const { tensors, metadata } = await readSafetensors(join(dir, MODEL_FILE));
    expect(Object.keys(tensors).sort()).toEqual(['b', 'w']);
    expect(metadata).toEqual({
      'plasticity.save_id': manifest.saveId,
      'plasticity.epoch': '1',
      'plasticity.kind': 'params',
    });
    tf.dispose(Object.values(tensors));
    learner.dispose();
  });

  test('restoreParams copies values into the learner', async () => {
    const source = linearLearner({ inputs: 4, classes: 3, seed: 5 });
    const target = linearLearner({ inputs: 4, classes: 3, seed: 6 });
    const dir = join(root, 'restore');
    await saveCheckpoint(dir, { learner: source, config: {}, epoch: 0 });
    const loaded = await loadCheckpoint(dir);
    restoreParams(target, loaded.params);
    disposeCheckpoint(loaded);
    expect(Array.from(await target.params.w.data())).toEqual(Array.from(await source.params.w.data()));
    source.dispose();
    target.dispose();
  });

  test('wrong shapes, missing and extra tensors: one E_CHECKPOINT naming the file and each tensor', async () => {
    const learner = linearLearner({ inputs: 4, classes: 3, seed: 1 });
    const file = join(root, 'bad.safetensors');
    const w = tf.zeros([5, 3]);
    const extra = tf.zeros([2]);
    await writeSafetensors(file, { w, extra });
    const { tensors } = await readSafetensors(file);
    const before = Array.from(await learner.params.w.data());
    let error: unknown;
    try {
      restoreParams(learner, tensors, file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlasticityError);
    expect((error as PlasticityError).code).toBe('E_CHECKPOINT');
    expect((error as Error).message).toBe(
      `${file} does not match the learner: tensor "w" has shape [5,3], the learner's param has [4,3]; ` +
        'missing tensor "b" (param shape [3]); unexpected tensor "extra" (no such param)',
    );
    // Nothing was assigned.
    expect(Array.from(await learner.params.w.data())).toEqual(before);
    tf.dispose([w, extra, ...Object.values(tensors)]);
    learner.dispose();
  });

  test('missing, truncated, foreign and mixed-up checkpoints are E_CHECKPOINT naming the file', async () => {
    expect((await rejection(loadCheckpoint(join(root, 'nowhere')))).message).toMatch(
      /no checkpoint in .*nowhere: checkpoint\.json not found/,
    );

    const learner = linearLearner({ inputs: 4, classes: 3, seed: 1 });
    const dir = join(root, 'damaged');
    await saveCheckpoint(dir, { learner, config: {}, epoch: 2 });
    const model = join(dir, MODEL_FILE);
    const good = readFileSync(model);

    truncateSync(model, good.length - 10);
    const truncated = await rejection(loadCheckpoint(dir));
    expect(truncated.code).toBe('E_CHECKPOINT');
    expect(truncated.message).toMatch(
      new RegExp(`^${model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: truncated`),
    );

    rmSync(model);
    expect((await rejection(loadCheckpoint(dir))).message).toBe(`${model}: file not found`);

    // A model file from another save (e.g. a crash between files) is detected.
    writeFileSync(model, good);
    const other = join(root, 'other');
    await saveCheckpoint(other, { learner, config: {}, epoch: 2 });
    writeFileSync(join(dir, OPTIMIZER_FILE), readFileSync(join(other, OPTIMIZER_FILE)));
    expect((await rejection(loadCheckpoint(dir))).message).toMatch(
      /optimizer\.safetensors does not belong to .*checkpoint\.json/,
    );

    writeFileSync(join(dir, MANIFEST_FILE), '{"format": "something-else"}');
    expect((await rejection(loadCheckpoint(dir))).message).toMatch(
      /is not a plasticity checkpoint: format is "something-else"/,
    );
    writeFileSync(join(dir, MANIFEST_FILE), '{oops');
    expect((await rejection(loadCheckpoint(dir))).message).toMatch(/checkpoint\.json: not valid JSON/);
    learner.dispose();
  });

  test('{optimizer: false} loads the params of a checkpoint without optimizer.safetensors; the default names what is missing', async () => {
    const learner = linearLearner({ inputs: 4, classes: 3, seed: 3 });
    const dir = join(root, 'params-only');
    await saveCheckpoint(dir, { learner, config: {}, epoch: 4 });
    rmSync(join(dir, OPTIMIZER_FILE));
    const before = tf.memory().numTensors;
    const loaded = await loadCheckpoint(dir, { optimizer: false });
    expect(loaded.epoch).toBe(4);
    expect(loaded.state).toBeUndefined();
    expect(Array.from(await loaded.params.w.data())).toEqual(Array.from(await learner.params.w.data()));
    disposeCheckpoint(loaded);
    expect(tf.memory().numTensors).toBe(before);

    const full = await rejection(loadCheckpoint(dir));
    expect(full.code).toBe('E_CHECKPOINT');
    expect(full.message).toBe(
      `${join(dir, OPTIMIZER_FILE)} is missing: the optimiser state is needed to continue training ` +
        `(inference needs only ${MODEL_FILE})`,
    );
    expect(tf.memory().numTensors).toBe(before);
    learner.dispose();
  });

  test('a config that is not JSON is refused before anything is written', async () => {
    const learner = linearLearner({ inputs: 1, classes: 2, seed: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = await rejection(
      saveCheckpoint(join(root, 'cyclic'), { learner, config: cyclic, epoch: 0 }),
    );
    expect(error.code).toBe('E_USAGE');
    learner.dispose();
  });
});
