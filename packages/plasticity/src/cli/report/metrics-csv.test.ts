import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { EpochRecord } from '@plasticity/core-tensors';
import { tempDir } from '../harness.test-util.js';
import { createMetricsCsv, metricsCsv } from './metrics-csv.js';

const epoch = (n: number, extra: Record<string, number> = {}): EpochRecord => ({
  type: 'epoch',
  epoch: n,
  learningRate: 0.01,
  seconds: 1.5,
  train: { loss: 1 / n, accuracy: 0.5, ...extra },
  test: { loss: 0.9, accuracy: 0.6, count: 100 },
});

describe('metricsCsv', () => {
  test('one row per epoch, one column per metric, rule metrics included', () => {
    const csv = metricsCsv([epoch(1, { hiddenRate: 12.5 }), epoch(2, { hiddenRate: Number.NaN })]);
    expect(csv.split('\n')).toEqual([
      'epoch,learning_rate,seconds,train_loss,train_accuracy,train_hiddenRate,test_loss,test_accuracy,test_count',
      '1,0.01,1.5,1,0.5,12.5,0.9,0.6,100',
      '2,0.01,1.5,0.5,0.5,NaN,0.9,0.6,100',
      '',
    ]);
  });

  test('a metric one epoch lacks is an empty cell', () => {
    const [, first] = metricsCsv([epoch(1), epoch(2, { readoutLoss: 0.3 })]).split('\n');
    expect(first).toBe('1,0.01,1.5,1,0.5,,0.9,0.6,100');
  });
});

describe('createMetricsCsv', () => {
  test('rewrites the file after each epoch; a resumed run keeps the epochs before its start', async () => {
    const dir = tempDir('csv');
    const path = join(dir, 'metrics.csv');
    const csv = createMetricsCsv(path, [epoch(1), epoch(2), epoch(3)]);
    await csv.onEvent({ type: 'start', startEpoch: 2, epochs: 4, stepsPerEpoch: 10 });
    await csv.onEvent(epoch(3, { hiddenRate: 4 }));
    const rows = readFileSync(path, 'utf8').trim().split('\n');
    expect(rows.map((r) => r.split(',')[0])).toEqual(['epoch', '1', '2', '3']);
    expect(rows[0]).toContain('train_hiddenRate');
    expect(rows[3].split(',')[5]).toBe('4');
    expect(readdirSync(dir)).toEqual(['metrics.csv']); // no temp files left
  });
});
