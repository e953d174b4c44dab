import { beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@plasticity/core-tensors/testing';
import { teacherStudent } from './teacher.js';

beforeAll(async () => {
  await useBackend('cpu');
});

// Small: 10 inputs, 3 units, 100 s of data. The README records the full-size run.
const SMALL = { inputs: 10, units: 3, trainSeconds: 100 };

test('a student trained only by spike-event updates recovers the teacher and its held-out likelihood', async () => {
  const before = tf.memory().numTensors;
  const result = await teacherStudent(SMALL);
  expect(result.correlation).toBeGreaterThan(0.95);
  const { teacher, student, initial } = result.logLikelihood;
  expect(teacher).toBeGreaterThan(initial);
  // The student closes at least 95 % of the gap from where it started to the teacher.
  expect((student - initial) / (teacher - initial)).toBeGreaterThan(0.95);
  // It learned from spikes, and ends sampling about as many as the data has.
  expect(result.spikes.data).toBeGreaterThan(5000);
  expect(result.spikes.model / result.spikes.data).toBeGreaterThan(0.9);
  expect(tf.memory().numTensors).toBe(before);
});

test('the check can fail: two seconds of data recover little', async () => {
  const result = await teacherStudent({ ...SMALL, trainSeconds: 2 });
  expect(result.correlation).toBeLessThan(0.9);
  await expect(teacherStudent({ units: 0 })).rejects.toThrow(/units must be a finite number > 0, got 0/);
});
