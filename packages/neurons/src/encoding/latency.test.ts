import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '@plasticity/core-tensors';
import { useBackend } from '@plasticity/core-tensors/testing';
import {
  eventsToDense,
  latencyDense,
  latencyEncode,
  latencyEvents,
  latencyPacked,
  latencyTimes,
} from './latency.js';

beforeAll(() => useBackend('cpu'));

describe('latency encoding', () => {
  test('Yin-Yang style: t = 10 + v·30 ms, bias spike at 20 ms, spikes in the right 1 ms bins', async () => {
    const features = { data: [0, 0.5, 1, 0.25, 0.7, 0.1, 0.9, 0.3], shape: [2, 4] };
    const code = latencyEncode(features, { t0: 10, span: 30, bias: { time: 20 }, dt: 1 });
    expect(code.channels).toBe(5);
    expect(code.steps).toBe(41); // the latest possible spike, 40 ms, lands in step 40
    expect(Array.from(code.times)).toEqual([10, 25, 40, 17.5, 20, 31, 13, 37, 19, 20].map(Math.fround));
    expect(code.dense.shape).toEqual([41, 2, 5]);
    const dense = (await code.dense.array()) as number[][][];
    // Independent check: one spike per (sample, unit), in step floor(t / dt).
    const expectedStep = [
      [10, 25, 40, 17, 20],
      [31, 13, 37, 19, 20],
    ];
    for (let b = 0; b < 2; b++) {
      for (let n = 0; n < 5; n++) {
        const steps = dense.map((row, t) => (row[b][n] === 1 ? t : -1)).filter((t) => t >= 0);
        expect(steps).toEqual([expectedStep[b][n]]);
      }
    }
    expect(Array.from(code.events[0].units)).toEqual([0, 3, 4, 1, 2]);
    expect(Array.from(code.events[1].times)).toEqual([13, 19, 20, 31, 37].map(Math.fround));
    code.dense.dispose();
  });

  test('MNIST style: (1 − pixel/255)·30 ms, only pixels > 1 spike', () => {
    const pixels = [0, 1, 2, 128, 255];
    const code = latencyTimes(
      { data: pixels.map((p) => p / 255), shape: [1, 5] },
      { span: 30, invert: true, threshold: 1 / 255, dt: 1 },
    );
    const t = Array.from(code.times);
    expect(Number.isNaN(t[0]) && Number.isNaN(t[1])).toBe(true);
    expect(t[2]).toBeCloseTo((1 - 2 / 255) * 30, 5);
    expect(t[3]).toBeCloseTo((1 - 128 / 255) * 30, 5);
    expect(t[4]).toBe(0);
    expect(code.steps).toBe(31);
    expect(Array.from(latencyEvents(code)[0].units)).toEqual([4, 3, 2]);
  });

  test('the dense and event forms agree (eventsToDense of the events equals the dense tensor)', async () => {
    const B = 8;
    const N = 20;
    const data = Float32Array.from({ length: B * N }, (_, i) => ((i * 7919) % 1000) / 999);
    const options = { t0: 2, span: 17.3, threshold: 0.05, bias: { time: 3 }, dt: 0.5 };
    const code = latencyEncode({ data, shape: [B, N] }, options);
    const fromEvents = eventsToDense(code.events, {
      dt: code.dt,
      steps: code.steps,
      channels: code.channels,
    });
    expect(await fromEvents.data()).toEqual(await code.dense.data());
    const spikes = code.events.reduce((sum, e) => sum + e.times.length, 0);
    const total = tf.sum(code.dense);
    expect((await total.data())[0]).toBe(spikes);
    expect(spikes).toBeGreaterThan(B); // the threshold silenced some units, not all
    expect(spikes).toBeLessThan(B * (N + 1));
    for (const e of code.events)
      for (let k = 1; k < e.times.length; k++) expect(e.times[k]).toBeGreaterThanOrEqual(e.times[k - 1]);
    tf.dispose([fromEvents, code.dense, total]);
  });

  test('packed and event forms order each sample by time, then unit, as a comparator sort does', () => {
    // Repeated values give equal times (ties broken by unit); 0 and 1 give the window's ends.
    const data = [0.2, 0.9, 0.2, 0.5, 0.9, 0, 1, 0.35, 0.35, 0.35, 0.8, 0.05, 0.4, 0.7, 0.1, 0.4, 0.99, 0.6];
    const code = latencyTimes(
      { data, shape: [3, 6] },
      { t0: 2, span: 30, invert: true, threshold: 0.01, dt: 1 },
    );
    const packed = latencyPacked(code);
    const events = latencyEvents(code);
    for (let b = 0; b < 3; b++) {
      const row = Array.from(code.times.subarray(b * 6, b * 6 + 6));
      const expected = row
        .map((t, u) => ({ t, u }))
        .filter(({ t }) => !Number.isNaN(t))
        .sort((p, q) => p.t - q.t || p.u - q.u);
      const [from, to] = [packed.offsets[b], packed.offsets[b + 1]];
      expect(Array.from(packed.units.subarray(from, to))).toEqual(expected.map((e) => e.u));
      expect(Array.from(packed.times.subarray(from, to))).toEqual(expected.map((e) => e.t));
      expect(Array.from(events[b].units)).toEqual(expected.map((e) => e.u));
      expect(Array.from(events[b].times)).toEqual(expected.map((e) => e.t));
    }
    expect(packed.offsets[3]).toBe(data.filter((v) => v > 0.01).length);
  });

  test('no tensors left besides the returned dense one', () => {
    const before = tf.memory().numTensors;
    const dense = latencyDense(latencyTimes({ data: [0.2, 0.4], shape: [1, 2] }, { span: 10, dt: 1 }));
    expect(tf.memory().numTensors).toBe(before + 1);
    dense.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('errors: values outside [0, 1], window too short, bad options, bad events', () => {
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return isPlasticityError(e) ? e.code : 'other';
      }
      return undefined;
    };
    expect(codeOf(() => latencyTimes({ data: [1.5], shape: [1, 1] }, { span: 10, dt: 1 }))).toBe(
      'E_DATA_FORMAT',
    );
    expect(codeOf(() => latencyTimes({ data: [NaN], shape: [1, 1] }, { span: 10, dt: 1 }))).toBe(
      'E_DATA_FORMAT',
    );
    expect(codeOf(() => latencyTimes({ data: [1], shape: [1, 1] }, { span: 10, dt: 1, steps: 10 }))).toBe(
      'E_CONFIG',
    );
    expect(codeOf(() => latencyTimes({ data: [0.5], shape: [1, 1] }, { span: 10, dt: 0 }))).toBe('E_CONFIG');
    expect(codeOf(() => latencyTimes({ data: [0.5, 0.5], shape: [1, 1] }, { span: 10, dt: 1 }))).toBe(
      'E_SHAPE',
    );
    expect(
      codeOf(() =>
        eventsToDense([{ times: Float32Array.of(12), units: Int32Array.of(0) }], {
          dt: 1,
          steps: 10,
          channels: 1,
        }),
      ),
    ).toBe('E_DATA_FORMAT');
  });
});
