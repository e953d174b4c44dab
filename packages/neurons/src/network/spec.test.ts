// Layer specs: shape inference by hand, and errors that name the layer index and field.
import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { eventPropCompatible } from './event-prop.js';
import { resolveLayers } from './spec.js';
import type { LayerSpec } from './spec.js';

function thrown(fn: () => unknown): { code?: string; message: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    if (!isPlasticityError(error)) throw error;
    return { code: error.code, message: error.message, details: error.details as Record<string, unknown> };
  }
  throw new Error('expected a PlasticityError');
}

describe('resolveLayers', () => {
  test('per-sample shapes through conv, pool, flatten, dense and neuron layers', () => {
    const layers = resolveLayers(
      [
        { type: 'conv2d', filters: 8, kernel: 3, padding: 'same' },
        { type: 'lif' },
        { type: 'pool2d', kind: 'max', size: 2 },
        { type: 'conv2d', filters: 4, kernel: [3, 2], stride: 2 },
        { type: 'if' },
        { type: 'flatten' },
        { type: 'recurrent', units: 32 },
        { type: 'alif' },
        { type: 'dense', units: 10 },
        { type: 'li' },
      ],
      [34, 34, 2],
    );
    expect(layers.map((l) => l.outShape)).toEqual([
      [34, 34, 8],
      [34, 34, 8],
      [17, 17, 8],
      // valid, stride 2: floor((17 − 3)/2) + 1 = 8 rows, floor((17 − 2)/2) + 1 = 8 columns
      [8, 8, 4],
      [8, 8, 4],
      [256],
      [32],
      [32],
      [10],
      [10],
    ]);
    expect(layers[0]).toMatchObject({ stride: [1, 1], bias: false, init: 'he-normal' });
    expect(layers[2]).toMatchObject({ size: [2, 2], stride: [2, 2], padding: 'valid' });
  });

  test('same padding with stride rounds up; odd pooling drops the remainder', () => {
    const layers = resolveLayers(
      [
        { type: 'conv2d', filters: 1, kernel: 3, stride: 2, padding: 'same' },
        { type: 'pool2d', kind: 'avg', size: 2 },
      ],
      [7, 5, 1],
    );
    expect(layers.map((l) => l.outShape)).toEqual([
      [4, 3, 1],
      [2, 1, 1],
    ]);
  });

  test('network dt fills neuron layers that do not set their own', () => {
    const layers = resolveLayers([{ type: 'lif' }, { type: 'li', dt: 0.5 }], [3], 2);
    expect(layers.map((l) => ('model' in l ? l.model.dt : undefined))).toEqual([2, 0.5]);
  });

  test.each<[string, LayerSpec[], number[], string, RegExp, number, string | undefined]>([
    ['dense on frames', [{ type: 'dense', units: 4 }], [4, 4, 2], 'E_SHAPE', /flatten/, 0, 'input'],
    [
      'conv on flat input',
      [{ type: 'conv2d', filters: 2, kernel: 3 }],
      [16],
      'E_SHAPE',
      /\[H, W, C\]/,
      0,
      'input',
    ],
    [
      'conv after flatten',
      [{ type: 'flatten' }, { type: 'lif' }, { type: 'conv2d', filters: 2, kernel: 5 }],
      [4, 4, 1],
      'E_SHAPE',
      /\[H, W, C\]/,
      2,
      'input',
    ],
    [
      'valid window too big',
      [{ type: 'pool2d', kind: 'max', size: 5 }],
      [4, 4, 1],
      'E_SHAPE',
      /does not fit/,
      0,
      'size',
    ],
    [
      'unknown type',
      [{ type: 'lstm' } as unknown as LayerSpec],
      [3],
      'E_CONFIG',
      /type must be one of/,
      0,
      'type',
    ],
    [
      'recurrent into a readout',
      [{ type: 'recurrent', units: 3 }, { type: 'li' }],
      [3],
      'E_CONFIG',
      /followed by a spiking neuron layer/,
      0,
      'type',
    ],
  ])('%s', (_, layers, shape, code, message, layer, field) => {
    const error = thrown(() => resolveLayers(layers, shape));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`^layer ${layer} \\(`));
    expect(error.details).toMatchObject({ layer, field });
  });

  test('a bad field is E_CONFIG naming the layer and the field', () => {
    const conv = thrown(() => resolveLayers([{ type: 'conv2d', filters: 0, kernel: 3 }], [4, 4, 1]));
    expect(conv.code).toBe('E_CONFIG');
    expect(conv.message).toMatch(/layer 0 \(conv2d\)[\s\S]*filters/);
    const typo = thrown(() =>
      resolveLayers([{ type: 'dense', units: 2, unit: 3 } as unknown as LayerSpec], [4]),
    );
    expect(typo.message).toMatch(/layer 0 \(dense\)[\s\S]*unit/);
    const neuron = thrown(() =>
      resolveLayers(
        [
          { type: 'dense', units: 2 },
          { type: 'lif', tauMem: -1 },
        ],
        [4],
      ),
    );
    expect(neuron.code).toBe('E_CONFIG');
    expect(neuron.message).toMatch(/^layer 1 \(lif\)[\s\S]*tauMem/);
    expect(neuron.details).toMatchObject({ layer: 1 });
  });

  test('an empty list and a bad input shape are refused', () => {
    expect(thrown(() => resolveLayers([], [3])).code).toBe('E_CONFIG');
    expect(thrown(() => resolveLayers([{ type: 'lif' }], [3, 0])).code).toBe('E_SHAPE');
  });
});

describe('eventPropCompatible', () => {
  test('dense and recurrent lif-exp layers with an li or lif-exp readout are accepted', () => {
    expect(
      eventPropCompatible([
        { type: 'recurrent', units: 8 },
        { type: 'lif-exp' },
        { type: 'dense', units: 3 },
        { type: 'li' },
      ]),
    ).toEqual({ ok: true });
    expect(
      eventPropCompatible([
        { type: 'dense', units: 3 },
        { type: 'lif-exp', tauMem: 10 },
      ]),
    ).toEqual({
      ok: true,
    });
  });

  test.each<[LayerSpec[], number, RegExp]>([
    [
      [{ type: 'conv2d', filters: 2, kernel: 3 }, { type: 'lif-exp' }],
      0,
      /layer 0 \(conv2d\).*dense and recurrent/,
    ],
    [[{ type: 'dense', units: 3 }, { type: 'lif' }], 1, /layer 1 \(lif\).*lif-exp or li/],
    [[{ type: 'dense', units: 3, bias: true }, { type: 'li' }], 0, /layer 0 \(dense\).*bias/],
    [[{ type: 'dense', units: 3 }], 1, /pairs/],
    [[{ type: 'recurrent', units: 3 }, { type: 'li' }], 1, /layer 1 \(li\).*lif-exp/],
    [
      [
        { type: 'dense', units: 3 },
        { type: 'lif-exp', refractory: 2 },
      ],
      1,
      /refractory/,
    ],
  ])('refuses %j at layer %i', (layers, index, reason) => {
    const result = eventPropCompatible(layers);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.index).toBe(index);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
