import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError, parseConfig } from '@plasticity/core-tensors';
import type { Batch, TaskSpec } from '@plasticity/core-tensors';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { eventpropRule } from './index.js';
import type { EventpropConfigInput } from './config.js';

const TASK: TaskSpec = { input: { kind: 'dense', shape: [3] }, outputs: 2, kind: 'classification' };
const BASE = { threads: 1, encoder: { span: 10 }, duration: 40 } as const;

const create = (raw: EventpropConfigInput, seed = 5) =>
  eventpropRule.create(parseConfig(eventpropRule, { ...BASE, ...raw }), TASK, seed);

beforeAll(async () => {
  await useBackend((await testBackends())[0]);
});

async function snapshot(params: Record<string, tf.Tensor>) {
  return Object.fromEntries(
    await Promise.all(
      Object.entries(params).map(async ([k, v]) => [
        k,
        { shape: v.shape, values: Array.from(await v.data()) },
      ]),
    ),
  );
}

describe('layers config', () => {
  test.each([
    [
      'max-voltage',
      { hidden: [{ size: 6, recurrent: true }, 4] },
      [
        { type: 'recurrent', units: 6 },
        { type: 'lif-exp' },
        { type: 'dense', units: 4 },
        { type: 'lif-exp' },
        { type: 'dense', units: 2 },
        { type: 'li' },
      ],
    ],
    [
      'ttfs',
      { hidden: [5], tauMem: 10, tauSyn: 2 },
      [
        { type: 'dense', units: 5 },
        { type: 'lif-exp', tauMem: 10, tauSyn: 2 },
        { type: 'dense', units: 2 },
        { type: 'lif-exp', tauMem: 10, tauSyn: 2 },
      ],
    ],
  ] as const)(
    '%s: a layer list equals its classic config (same weights, same first step)',
    async (loss, classic, layers) => {
      const a = create({ loss, ...classic } as unknown as EventpropConfigInput);
      const b = create({ loss, layers } as unknown as EventpropConfigInput);
      expect(await snapshot(b.params)).toEqual(await snapshot(a.params));
      const x = tf.tensor2d([0.1, 0.9, 0.4, 0.8, 0.2, 0.6, 0.5, 0.5, 0.05, 0.3, 0.7, 1], [4, 3]);
      const batch = { x, y: tf.tensor1d([0, 1, 1, 0], 'int32'), size: 4 } satisfies Batch;
      const [ma, mb] = [await a.trainStep(batch), await b.trainStep(batch)];
      expect(mb).toEqual(ma);
      expect(await snapshot(b.params)).toEqual(await snapshot(a.params));
      tf.dispose([x, batch.y]);
      a.dispose();
      b.dispose();
    },
  );

  test('a layer init {dist: normal} sets that kernel', async () => {
    const learner = create({
      layers: [
        { type: 'dense', units: 4, init: { dist: 'normal', mean: 3, std: 0 } },
        { type: 'lif-exp' },
        { type: 'dense', units: 2 },
        { type: 'li' },
      ],
    } as unknown as EventpropConfigInput);
    expect(Array.from(await learner.params['layers.0.kernel'].data())).toEqual(new Array(12).fill(3));
    learner.dispose();
  });

  test.each([
    [
      [{ type: 'conv2d', filters: 2, kernel: 3 }, { type: 'lif-exp' }],
      'layers[0]',
      /conv2d.*dense and recurrent/,
    ],
    [[{ type: 'dense', units: 2 }, { type: 'alif' }], 'layers[1]', /alif.*lif-exp or li/],
    [
      [
        { type: 'pool2d', kind: 'max', size: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
        { type: 'li' },
      ],
      'layers[0]',
      /pool2d.*dense and recurrent/,
    ],
    [
      [{ type: 'dense', units: 2 }, { type: 'li' }, { type: 'dense', units: 2 }, { type: 'li' }],
      'layers[1]',
      /li.*lif-exp/,
    ],
    [[{ type: 'dense', units: 2, bias: true }, { type: 'li' }], 'layers[0]', /bias/],
    [
      [
        { type: 'dense', units: 2 },
        { type: 'lif-exp', refractory: 1 },
      ],
      'layers[1]',
      /refractory/,
    ],
    [[{ type: 'dense', units: 0 }, { type: 'li' }], 'layers[0].units', /units/],
    [[{ type: 'dense', units: 3 }, { type: 'li' }], 'layers[0].units', /one unit per class/],
    [
      [
        { type: 'dense', units: 4 },
        { type: 'lif-exp', tauMem: 10 },
        { type: 'dense', units: 2 },
        { type: 'li' },
      ],
      'layers[3]',
      /one neuron model/,
    ],
    [[{ type: 'dense', units: 2 }, { type: 'lif-exp' }], 'loss', /max-voltage needs an li readout/],
    [
      [{ type: 'dense', units: 2, init: 'he-normal' }, { type: 'li' }],
      'layers[0].init',
      /only \{dist: 'normal'/,
    ],
  ])('refuses %j: E_CONFIG on %s', (layers, field, message) => {
    expect(() => create({ layers } as unknown as EventpropConfigInput)).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        message: expect.stringMatching(message),
        details: expect.objectContaining({ field }),
      }),
    );
  });

  test('init of the classic form is refused with layers', () => {
    expect(() =>
      create({ layers: [{ type: 'dense', units: 2 }, { type: 'li' }], init: [{ mean: 0, std: 1 }] }),
    ).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field: 'init' }) }),
    );
  });
});

test('README example: a recurrent layer list builds; conv2d is refused', () => {
  const logged: unknown[][] = [];
  const console = { log: (...args: unknown[]) => logged.push(args) };
  // --- README begin (keep in sync) ---
  const task: TaskSpec = { input: { kind: 'dense', shape: [5] }, outputs: 3, kind: 'classification' };
  // The same network as {hidden: [{size: 64, recurrent: true}]}.
  const learner = eventpropRule.create(
    parseConfig(eventpropRule, {
      layers: [
        { type: 'recurrent', units: 64 },
        { type: 'lif-exp' },
        { type: 'dense', units: 3 },
        { type: 'li' },
      ],
      threads: 1,
    }),
    task,
    0,
  );
  learner.dispose();
  try {
    const conv = [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'lif-exp' }];
    eventpropRule.create(parseConfig(eventpropRule, { layers: conv }), task, 0);
  } catch (error) {
    // E_CONFIG layers[0] "eventprop: layer 0 (conv2d): EventProp takes only dense and recurrent connections"
    if (isPlasticityError(error)) console.log(error.code, error.details?.field, error.message);
  }
  // --- README end ---
  expect(logged).toEqual([
    [
      'E_CONFIG',
      'layers[0]',
      'eventprop: layer 0 (conv2d): EventProp takes only dense and recurrent connections',
    ],
  ]);
});
