import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { FitEvent } from '@plasticity/core-tensors';
import { tempDir } from '../harness.test-util.js';
import { createStepLog, readSteps } from './step-log.js';

const step = (epoch: number, n: number): FitEvent => ({
  type: 'step',
  epoch,
  step: n,
  stepsPerEpoch: 2,
  metrics: { loss: epoch + n / 10 },
});
const epochEnd = (epoch: number): FitEvent => ({
  type: 'epoch',
  epoch,
  learningRate: 0.1,
  seconds: 1,
  train: { loss: 1 },
});

describe('createStepLog', () => {
  test('appends every step of an epoch when the epoch ends, not before', () => {
    const path = join(tempDir('steps'), 'steps.jsonl');
    const log = createStepLog(path);
    log.onEvent({ type: 'start', startEpoch: 0, epochs: 2, stepsPerEpoch: 2 });
    log.onEvent(step(1, 1));
    log.onEvent(step(1, 2));
    expect(readFileSync(path, 'utf8')).toBe('');
    log.onEvent(epochEnd(1));
    expect(readSteps(path).map((r) => [r.epoch, r.step, r.metrics.loss])).toEqual([
      [1, 1, 1.1],
      [1, 2, 1.2],
    ]);
  });

  test('a resumed run drops the steps after its checkpoint', () => {
    const path = join(tempDir('steps'), 'steps.jsonl');
    const first = createStepLog(path);
    first.onEvent({ type: 'start', startEpoch: 0, epochs: 3, stepsPerEpoch: 2 });
    for (const e of [1, 2]) {
      first.onEvent(step(e, 1));
      first.onEvent(step(e, 2));
      first.onEvent(epochEnd(e));
    }
    const text = readFileSync(path, 'utf8');
    expect(readSteps(path)).toHaveLength(4);
    const resumed = createStepLog(path);
    resumed.onEvent({ type: 'start', startEpoch: 1, epochs: 3, stepsPerEpoch: 2 });
    expect(readSteps(path).map((r) => r.epoch)).toEqual([1, 1]);
    expect(text.split('\n')).toHaveLength(5);
  });
});
