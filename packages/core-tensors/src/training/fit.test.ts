import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { blobs } from '../__fixtures__/blobs.js';
import { linearLearner } from '../__fixtures__/linear-learner.js';
import { initBackend } from '../backend/init.js';
import { loadCheckpoint, disposeCheckpoint } from '../checkpoint/checkpoint.js';
import type { BatchOptions, DataSplit } from '../contract/task.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { memorySplit } from '../testing/memory-split.js';
import type { Learner } from '../contract/learner.js';
import type { EpochRecord, FitEvent, FitOptions } from './events.js';
import { fit } from './fit.js';

const INPUTS = 4;
const CLASSES = 3;
const train = blobs(100, 1);
const valid = blobs(40, 2);
const testSet = blobs(60, 3);
const data = () => ({
  train: memorySplit(train.x, train.y, [INPUTS]),
  validation: memorySplit(valid.x, valid.y, [INPUTS]),
  test: memorySplit(testSet.x, testSet.y, [INPUTS]),
});
const base: FitOptions = {
  epochs: 3,
  batchSize: 16,
  learningRate: 0.1,
  schedule: { kind: 'constant' },
  seed: 7,
};
const newLearner = (extra: Partial<Parameters<typeof linearLearner>[0]> = {}) =>
  linearLearner({ inputs: INPUTS, classes: CLASSES, seed: 11, ...extra });

/** Learns for `goodSteps` steps, then climbs the loss (gradient ascent): the metric improves, then worsens. */
function worseningLearner(goodSteps: number): Learner {
  const inner = newLearner();
  let rate = 0;
  return {
    params: inner.params,
    get learningRate() {
      return rate;
    },
    set learningRate(value: number) {
      rate = value;
    },
    // inner.steps is optimiser state: a resumed learner keeps climbing.
    trainStep(batch) {
      inner.learningRate = inner.steps >= goodSteps ? -rate : rate;
      return inner.trainStep(batch);
    },
    predict: (x) => inner.predict(x),
    saveState: () => inner.saveState!(),
    loadState: (state) => inner.loadState!(state),
    dispose: () => inner.dispose(),
  };
}

/** Params by name as plain arrays, taken after every epoch. */
function paramsEachEpoch(learner: Learner): {
  byEpoch: Map<number, Record<string, number[]>>;
  onEvent: (e: FitEvent) => Promise<void>;
} {
  const byEpoch = new Map<number, Record<string, number[]>>();
  return {
    byEpoch,
    async onEvent(e) {
      if (e.type !== 'epoch') return;
      const copy: Record<string, number[]> = {};
      for (const [name, v] of Object.entries(learner.params)) copy[name] = Array.from(await v.data());
      byEpoch.set(e.epoch, copy);
    },
  };
}

async function savedParams(
  dir: string,
): Promise<{ params: Record<string, number[]>; epoch: number; best: unknown }> {
  const saved = await loadCheckpoint(dir);
  const params: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(saved.params)) params[name] = Array.from(await t.data());
  disposeCheckpoint(saved);
  return { params, epoch: saved.epoch, best: saved.best };
}

const bestEpochByLoss = (history: readonly EpochRecord[]): EpochRecord =>
  history.reduce((a, b) => ((b.validation?.loss as number) < (a.validation?.loss as number) ? b : a));

let root: string;
beforeAll(async () => {
  await initBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'fit-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const withoutTimes = (history: readonly EpochRecord[]) => history.map((r) => ({ ...r, seconds: 0 }));

describe('fit', () => {
  test('runs epochs with step progress, evaluation, checkpoints and an end event; it learns', async () => {
    const learner = newLearner();
    const events: FitEvent[] = [];
    const dir = join(root, 'basic');
    const result = await fit(learner, data(), {
      ...base,
      checkpoint: { dir, config: { rule: 'linear' } },
      onEvent: (e) => void events.push(e),
    });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(events[0]).toEqual({ type: 'start', startEpoch: 0, epochs: 3, stepsPerEpoch: 7 });
    expect(types.filter((t) => t === 'step')).toHaveLength(21);
    expect(types.filter((t) => t === 'checkpoint')).toHaveLength(3);
    expect(types.at(-1)).toBe('end');
    expect(types.slice(1, 9)).toEqual(['step', 'step', 'step', 'step', 'step', 'step', 'step', 'epoch']);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps[0]).toMatchObject({ epoch: 1, step: 1, stepsPerEpoch: 7 });
    expect(steps[20]).toMatchObject({ epoch: 3, step: 7 });

    expect(result.history).toHaveLength(3);
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    const last = result.history[2];
    expect(last.validation?.count).toBe(40);
    expect(result.test).toEqual(last.test);
    expect(result.test?.accuracy).toBeGreaterThan(0.9);
    expect(last.train.loss).toBeLessThan(result.history[0].train.loss);
    expect(result.stoppedEarly).toBe(false);

    // The epoch's train summary is the sample-weighted mean of its steps (6 of 16, one of 4).
    const firstEpoch = steps.slice(0, 7).map((e) => (e as { metrics: { loss: number } }).metrics.loss);
    const weighted = firstEpoch.reduce((s, l, i) => s + l * (i < 6 ? 16 : 4), 0) / 100;
    expect(result.history[0].train.loss).toBeCloseTo(weighted, 10);

    const saved = await loadCheckpoint(dir);
    expect(saved.epoch).toBe(3);
    expect(saved.config).toEqual({ rule: 'linear' });
    expect(saved.trainer?.history).toHaveLength(3);
    disposeCheckpoint(saved);
    learner.dispose();
  });

  test('passes seed and the 0-based epoch to batches (so each epoch has its own reproducible order)', async () => {
    const calls: BatchOptions[] = [];
    const inner = memorySplit(train.x, train.y, [INPUTS]);
    const spy: DataSplit = { size: inner.size, batches: (o) => (calls.push(o), inner.batches(o)) };
    const learner = newLearner();
    await fit(learner, { train: spy }, base);
    expect(calls).toEqual([0, 1, 2].map((epoch) => ({ batchSize: 16, shuffle: true, seed: 7, epoch })));
    learner.dispose();
  });

  test('sets the learning rate from the schedule at each epoch', async () => {
    const learner = newLearner();
    const result = await fit(
      learner,
      { train: memorySplit(train.x, train.y, [INPUTS]) },
      {
        ...base,
        epochs: 4,
        schedule: { kind: 'step', factor: 0.5, every: 2 },
      },
    );
    expect(result.history.map((r) => r.learningRate)).toEqual([0.1, 0.1, 0.05, 0.05]);
    expect(learner.rates.filter((_, i) => i % 7 === 0)).toEqual([0.1, 0.1, 0.05, 0.05]);
    learner.dispose();
  });

  test('early stop: no improvement for `patience` epochs stops, checkpoints and reports it', async () => {
    const learner = newLearner();
    const events: FitEvent[] = [];
    const dir = join(root, 'early');
    // Learning rate 0: the validation loss never improves after epoch 1.
    const result = await fit(learner, data(), {
      ...base,
      epochs: 10,
      learningRate: 0,
      earlyStop: { metric: 'loss', split: 'validation', patience: 2 },
      checkpoint: { dir, config: {}, every: 5 },
      onEvent: (e) => void events.push(e),
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.type === 'checkpoint')).toEqual([{ type: 'checkpoint', epoch: 3, dir }]);
    expect(events.at(-1)).toMatchObject({ type: 'end', epochs: 3, stoppedEarly: true });
    learner.dispose();
  });

  test('resume continues the same run exactly: params, optimiser state, epochs and shuffles', async () => {
    const options = { ...base, epochs: 4, schedule: { kind: 'cosine' as const } };
    const whole = newLearner();
    const reference = await fit(whole, data(), {
      ...options,
      checkpoint: { dir: join(root, 'whole'), config: {} },
    });

    // Interrupted after epoch 2 (its checkpoint is written, then the abort lands in epoch 3).
    const dir = join(root, 'interrupted');
    const first = newLearner();
    const controller = new AbortController();
    const aborted = await rejection(
      fit(first, data(), {
        ...options,
        checkpoint: { dir, config: {} },
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'checkpoint' && e.epoch === 2) controller.abort();
        },
      }),
    );
    expect((aborted as Error).name).toBe('AbortError');
    first.dispose();

    // A new process would build a fresh learner from the same seed, then resume.
    const second = newLearner();
    const events: FitEvent[] = [];
    const resumed = await fit(second, data(), {
      ...options,
      checkpoint: { dir, config: {} },
      resume: true,
      onEvent: (e) => void events.push(e),
    });
    expect(events[0]).toEqual({ type: 'start', startEpoch: 2, epochs: 4, stepsPerEpoch: 7 });
    expect(events.filter((e) => e.type === 'epoch').map((e) => (e as EpochRecord).epoch)).toEqual([3, 4]);
    expect(withoutTimes(resumed.history)).toEqual(withoutTimes(reference.history));
    for (const name of ['w', 'b']) {
      expect(Array.from(await second.params[name].data())).toEqual(
        Array.from(await whole.params[name].data()),
      );
    }
    whole.dispose();
    second.dispose();
  });

  test('resume: a finished run trains no more; an empty dir starts fresh; other settings are refused', async () => {
    const dir = join(root, 'finished');
    const learner = newLearner();
    const done = await fit(learner, data(), { ...base, checkpoint: { dir, config: {} } });
    const events: FitEvent[] = [];
    const again = await fit(newLearner(), data(), {
      ...base,
      checkpoint: { dir, config: {} },
      resume: true,
      onEvent: (e) => void events.push(e),
    });
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(withoutTimes(again.history)).toEqual(withoutTimes(done.history));

    const fresh = await fit(newLearner(), data(), {
      ...base,
      checkpoint: { dir: join(root, 'empty'), config: {} },
      resume: true,
    });
    expect(fresh.history).toHaveLength(3);

    const error = await rejection(
      fit(newLearner(), data(), {
        ...base,
        seed: 8,
        batchSize: 10,
        checkpoint: { dir, config: {} },
        resume: true,
      }),
    );
    expect(error).toBeInstanceOf(PlasticityError);
    expect((error as PlasticityError).code).toBe('E_CHECKPOINT');
    expect((error as Error).message).toMatch(
      /trained with batchSize=16, seed=7, this run asks for batchSize=10, seed=8/,
    );
    learner.dispose();
  });

  test('keepBest keeps the best epoch in best/ beside the last checkpoint', async () => {
    const learner = worseningLearner(14); // two epochs of 7 steps improve, the rest worsen
    const dir = join(root, 'keep-best');
    const capture = paramsEachEpoch(learner);
    const result = await fit(learner, data(), {
      ...base,
      epochs: 4,
      keepBest: { split: 'validation', metric: 'loss' },
      checkpoint: { dir, config: { rule: 'linear' } },
      onEvent: capture.onEvent,
    });
    const bestRecord = bestEpochByLoss(result.history);
    expect(bestRecord.epoch).toBeLessThan(4); // the metric did worsen after the best epoch
    const expected = {
      split: 'validation',
      metric: 'loss',
      value: bestRecord.validation?.loss,
      epoch: bestRecord.epoch,
    };
    expect(result.best).toEqual(expected);

    const best = await savedParams(join(dir, 'best'));
    expect(best.epoch).toBe(bestRecord.epoch);
    expect(best.best).toEqual(expected);
    expect(best.params).toEqual(capture.byEpoch.get(bestRecord.epoch));
    const last = await savedParams(dir);
    expect(last.epoch).toBe(4);
    expect(last.params).toEqual(capture.byEpoch.get(4));
    expect(last.params).not.toEqual(best.params);
    learner.dispose();
  });

  test('keepBest on resume: the best so far is kept, even after a crash between its two renames', async () => {
    const options = { ...base, epochs: 4, keepBest: { split: 'validation', metric: 'loss' } as const };
    const whole = worseningLearner(14);
    const capture = paramsEachEpoch(whole);
    const reference = await fit(whole, data(), {
      ...options,
      checkpoint: { dir: join(root, 'best-whole'), config: {} },
      onEvent: capture.onEvent,
    });
    const bestRecord = bestEpochByLoss(reference.history);
    expect(bestRecord.epoch).toBeLessThan(3); // so the interrupted run has already kept it

    const dir = join(root, 'best-interrupted');
    const first = worseningLearner(14);
    const controller = new AbortController();
    await rejection(
      fit(first, data(), {
        ...options,
        checkpoint: { dir, config: {} },
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'checkpoint' && e.epoch === 3) controller.abort();
        },
      }),
    );
    first.dispose();
    // Killed after best/ was moved aside and before its replacement was moved in.
    renameSync(join(dir, 'best'), join(dir, 'best.previous'));

    const second = worseningLearner(14);
    const resumed = await fit(second, data(), { ...options, checkpoint: { dir, config: {} }, resume: true });
    expect(withoutTimes(resumed.history)).toEqual(withoutTimes(reference.history));
    expect(resumed.best).toEqual(reference.best);
    expect(resumed.best?.epoch).toBe(bestRecord.epoch);
    const best = await savedParams(join(dir, 'best'));
    expect(best.epoch).toBe(bestRecord.epoch);
    expect(best.params).toEqual(capture.byEpoch.get(bestRecord.epoch));
    expect(existsSync(join(dir, 'best.previous'))).toBe(false);
    whole.dispose();
    second.dispose();
  });

  test('a non-finite loss is E_DIVERGED with the epoch and step', async () => {
    const learner = newLearner({ nanFromStep: 10 });
    const error = await rejection(fit(learner, data(), base));
    expect(error).toBeInstanceOf(PlasticityError);
    expect((error as PlasticityError).code).toBe('E_DIVERGED');
    expect((error as PlasticityError).details).toMatchObject({ epoch: 2, step: 3 });
    expect((error as Error).message).toMatch(/loss is NaN at epoch 2, step 3/);
    learner.dispose();
  });

  test('an already aborted signal rejects before any work', async () => {
    const learner = newLearner();
    const error = await rejection(fit(learner, data(), { ...base, signal: AbortSignal.abort() }));
    expect((error as Error).name).toBe('AbortError');
    expect(learner.steps).toBe(0);
    learner.dispose();
  });

  test('bad options are one E_CONFIG', async () => {
    const learner = newLearner();
    const bad = await rejection(fit(learner, data(), { ...base, epochs: 0, batchSize: -1 }));
    expect((bad as PlasticityError).code).toBe('E_CONFIG');
    expect((bad as Error).message).toMatch(
      /epochs: expected number ≥ 1, got 0\n.*batchSize: expected number ≥ 1, got -1/,
    );
    const noSplit = await rejection(
      fit(
        learner,
        { train: data().train },
        { ...base, earlyStop: { metric: 'accuracy', split: 'validation', patience: 1 } },
      ),
    );
    expect((noSplit as Error).message).toMatch(
      /earlyStop watches the validation split, but fit got no validation data/,
    );
    const noDir = await rejection(fit(learner, data(), { ...base, resume: true }));
    expect((noDir as Error).message).toMatch(/resume needs checkpoint\.dir/);
    const keepBest = { split: 'validation', metric: 'accuracy' } as const;
    const bestNoDir = await rejection(fit(learner, data(), { ...base, keepBest }));
    expect((bestNoDir as PlasticityError).code).toBe('E_CONFIG');
    expect((bestNoDir as Error).message).toMatch(/keepBest needs checkpoint\.dir/);
    const bestNoSplit = await rejection(
      fit(learner, { train: data().train }, { ...base, keepBest, checkpoint: { dir: root, config: {} } }),
    );
    expect((bestNoSplit as Error).message).toMatch(
      /keepBest watches the validation split, but fit got no validation data/,
    );
    const badMetric = await rejection(
      fit(learner, data(), { ...base, keepBest: { split: 'validation', metric: 'f1' } as never }),
    );
    expect((badMetric as PlasticityError).code).toBe('E_CONFIG');
    expect((badMetric as Error).message).toMatch(/keepBest\.metric/);
    learner.dispose();
  });

  test('many steps with evaluation and checkpoints leak no tensors', async () => {
    const learner = newLearner();
    const before = tf.memory().numTensors;
    await fit(learner, data(), {
      ...base,
      epochs: 6,
      batchSize: 8,
      keepBest: { split: 'test', metric: 'accuracy' },
      checkpoint: { dir: join(root, 'leaks'), config: {} },
    });
    expect(tf.memory().numTensors).toBe(before);
    learner.dispose();
    expect(tf.memory().numTensors).toBe(before - 4);
  });
});
