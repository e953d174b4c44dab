import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { parseConfig } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import type { BpttConfigInput } from './config.js';
import { createSpikeInput } from './input.js';
import { bpttRule } from './rule.js';

const classify = (input: TaskSpec['input']): TaskSpec => ({ input, outputs: 2, kind: 'classification' });
const spikeInput = (raw: BpttConfigInput, input: TaskSpec['input']) =>
  createSpikeInput(parseConfig(bpttRule, raw), classify(input));

const backends = await testBackends();

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('dense features are latency coded on the grid, with the bias channel last', async () => {
    const input = spikeInput(
      { encoder: { t0: 1, span: 4, invert: true, threshold: 0.1, bias: { time: 0 } } },
      { kind: 'dense', shape: [3] },
    );
    expect(input.grid).toEqual({ steps: 25, dt: 1, channels: 4 }); // latest spike 5 ms + τm 20 ms
    const x = tf.tensor2d([1, 0.5, 0.05], [1, 3]);
    const { spikes, owned } = await input.spikes(x);
    expect(owned).toBe(true);
    const rows = ((await spikes.array()) as number[][][]).map((step) => step[0]);
    // 1 → 1 ms, 0.5 → 3 ms, 0.05 ≤ threshold → silent, bias → 0 ms.
    const firing = rows.flatMap((row, t) => row.flatMap((v, n) => (v ? [[t, n]] : [])));
    expect(firing).toEqual([
      [0, 3],
      [1, 0],
      [3, 1],
    ]);
    const sync = await input.spikes(x);
    expect(await sync.spikes.array()).toEqual(await spikes.array());
    tf.dispose([x, spikes, sync.spikes]);
    await expect(input.spikes(tf.zeros([1, 4]))).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(input.spikes(tf.fill([1, 3], 2))).rejects.toMatchObject({ code: 'E_DATA_FORMAT' });
  });

  test('spike tensors pass through, or are cropped and merged onto a coarser dt', async () => {
    const task = { kind: 'spikes', steps: 5, channels: 1, dt: 0.5 } as const;
    const x = tf.tensor3d([1, 0, 0, 0, 1], [5, 1, 1]);
    const same = spikeInput({}, task);
    expect(same.grid).toEqual({ steps: 5, dt: 0.5, channels: 1 });
    expect(await same.spikes(x)).toEqual({ spikes: x, owned: false });
    const merged = await spikeInput({ dt: 1 }, task).spikes(x); // steps {0,1}, {2,3}, {4, pad}
    expect(merged.owned).toBe(true);
    expect(Array.from(await merged.spikes.data())).toEqual([1, 0, 1]);
    const cropped = await spikeInput({ dt: 1, duration: 1.5 }, task).spikes(x); // rounded up to 2 steps of 1 ms: {0,1}, {2,3}
    expect(Array.from(await cropped.spikes.data())).toEqual([1, 0]);
    await expect(same.spikes(tf.zeros([4, 1, 1]))).rejects.toThrow(
      expect.objectContaining({ code: 'E_SHAPE' }),
    );
    tf.dispose([x, merged.spikes, cropped.spikes]);
  });
});
