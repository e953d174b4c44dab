// Delta coding: exact ON/OFF spikes on a hand-made signal.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '@plasticity/core-tensors';
import { expectNoLeaks, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { deltaEncode } from './delta.js';

const backends = await testBackends();
// Two channels over 8 steps, threshold 0.5. Channel 0 ramps up in sub-threshold steps (a
// spike once the change since the last spike reaches 0.5), falls, rises; channel 1 starts
// high and steps down by exactly the threshold (≥ counts).
const channel0 = [0, 0.3, 0.6, 1.2, 1.1, 0.4, 0.4, 1.0];
const channel1 = [1, 1, 0.5, 0.25, 0, 0.75, 0.75, 0.5];
const on0 = [0, 0, 1, 1, 0, 0, 0, 1];
const off0 = [0, 0, 0, 0, 0, 1, 0, 0];
const on1 = [1, 0, 0, 0, 0, 1, 0, 0];
const off1 = [0, 0, 1, 0, 1, 0, 0, 0];
const interleave = (...channels: number[][]) => channels[0].flatMap((_, t) => channels.map((c) => c[t]));

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const signal = () => tf.tensor3d(interleave(channel0, channel1), [8, 1, 2]);

  test('ON spikes only (default)', async () => {
    const x = signal();
    const spikes = deltaEncode(x, { threshold: 0.5 });
    expect(spikes.shape).toEqual([8, 1, 2]);
    expect(Array.from(await spikes.data())).toEqual(interleave(on0, on1));
    tf.dispose([x, spikes]);
  });

  test('ON and OFF channels, ON first', async () => {
    const x = signal();
    const spikes = deltaEncode(x, { threshold: 0.5, offSpikes: true });
    expect(spikes.shape).toEqual([8, 1, 4]);
    expect(Array.from(await spikes.data())).toEqual(interleave(on0, on1, off0, off1));
    tf.dispose([x, spikes]);
  });

  test("initial 'first' starts from the first sample instead of 0", async () => {
    const x = signal();
    const spikes = deltaEncode(x, { threshold: 0.5, initial: 'first' });
    expect(Array.from(await spikes.data())).toEqual(interleave(on0, [0, ...on1.slice(1)]));
    tf.dispose([x, spikes]);
  });

  test('bad threshold is E_CONFIG, a signal without a time axis E_SHAPE; no leaks', async () => {
    const x = signal();
    const flat = tf.tensor1d([1, 2]);
    const codes = [() => deltaEncode(x, { threshold: 0 }), () => deltaEncode(flat, { threshold: 1 })].map(
      (fn) => {
        try {
          fn();
        } catch (e) {
          return isPlasticityError(e) ? e.code : 'other';
        }
        return 'none';
      },
    );
    expect(codes).toEqual(['E_CONFIG', 'E_SHAPE']);
    await expectNoLeaks(() => deltaEncode(x, { threshold: 0.5, offSpikes: true }).dispose());
    tf.dispose([x, flat]);
  });
});
