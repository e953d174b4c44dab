import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@plasticity/core-tensors/testing';
import { applyDelta, btspDelta, depressionGate, depressionGateValue, hebbianStep } from './update.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const GATE = { threshold: 0.01, width: 0.01 };
const q = (x: number) => depressionGateValue(x, GATE);

/** The authors' per-sample update for one post unit and one input, written out by hand. */
function handDelta(
  w: number,
  wmax: number,
  plateau: number,
  et: number,
  previous: { plateau: number; et: number } | undefined,
  gamma: number,
): number {
  const pos = Math.max(plateau, 0);
  let d = pos * ((wmax - w) * et - w * q(et));
  if (previous && gamma > 0) {
    const pastEt = previous.et * gamma;
    d += pos * ((wmax - w) * pastEt - w * q(pastEt));
    const pastPos = Math.max(previous.plateau, 0);
    d += pastPos * ((wmax - w) * et * gamma - w * q(et * gamma));
  }
  return d + Math.min(plateau, 0) * et;
}

describe('depression gate q_dep', () => {
  test('is 0 at 0, 1 at 1, and about half-way up at its threshold', () => {
    expect(q(0)).toBeCloseTo(0, 12);
    expect(q(1)).toBeCloseTo(1, 12);
    // (σ(0) − σ(−2)) / (σ(198) − σ(−2)) with slope 2/width = 200.
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    expect(q(0.01)).toBeCloseTo((0.5 - s(-2)) / (s(198) - s(-2)), 10);
    expect(q(-3)).toBeCloseTo(0, 12); // clamped to [0, 1]
    expect(q(0.05)).toBeGreaterThan(0.999);
  });

  test('the tensor version matches the host one', () => {
    const xs = [0, 0.005, 0.01, 0.015, 0.02, 0.5, 1, 2];
    const values = tf.tidy(() => depressionGate(tf.tensor1d(xs), GATE).dataSync());
    xs.forEach((x, i) => expect(values[i]).toBeCloseTo(q(x), 5));
  });
});

describe('btspDelta', () => {
  const W = [
    [0.1, 0.2, 0.3],
    [0.2, 0.1, 0.0],
  ];
  const wmax = 0.5;

  test('hand-computed case: a positive plateau potentiates active inputs toward a weight-dependent ceiling', () => {
    const delta = tf.tidy(() =>
      btspDelta(
        tf.tensor2d(W),
        { plateau: tf.tensor2d([[0.5, 0]]), eligibility: tf.tensor2d([[1, 0, 0.5]]) },
        { weightMax: wmax, gate: GATE, discount: 0 },
      ).arraySync(),
    );
    // Unit 0: 0.5·((0.5 − 0.1)·1 − 0.1·1) = 0.15; a silent input does not change; a weight above
    // the ceiling wmax·ET/(ET + q(ET)) is depressed: 0.5·(0.2·0.5 − 0.3·q(0.5)) < 0.
    expect(delta[0][0]).toBeCloseTo(0.15, 6);
    expect(delta[0][1]).toBe(0);
    expect(delta[0][2]).toBeCloseTo(0.5 * (0.2 * 0.5 - 0.3 * q(0.5)), 6);
    expect(delta[0][2]).toBeLessThan(0);
    // Unit 1 has no plateau: its weights do not change.
    expect(delta[1]).toEqual([0, 0, 0]);
  });

  test('a negative plateau depresses in proportion to the input, whatever the weight', () => {
    const delta = tf.tidy(() =>
      btspDelta(
        tf.tensor2d(W),
        { plateau: tf.tensor2d([[0, -0.4]]), eligibility: tf.tensor2d([[1, 0, 0.5]]) },
        { weightMax: wmax, gate: GATE, discount: 0 },
      ).arraySync(),
    );
    expect(delta[0]).toEqual([0, 0, 0]);
    expect(delta[1][0]).toBeCloseTo(-0.4, 6);
    expect(delta[1][1]).toBeCloseTo(0, 6);
    expect(delta[1][2]).toBeCloseTo(-0.2, 6);
  });

  test('a batch sums the per-sample updates, with the discounted terms between neighbours', () => {
    const plateaus = [
      [0.7, -0.3],
      [0.2, 0.9],
      [-0.5, 0.4],
    ];
    const ets = [
      [0.9, 0, 0.3],
      [0.005, 1, 0.6],
      [0.2, 0.4, 0],
    ];
    const before = { plateau: [0.6, 0], et: [0.5, 0.02, 1] };
    const gamma = 0.25;
    const delta = tf.tidy(() =>
      btspDelta(
        tf.tensor2d(W),
        { plateau: tf.tensor2d(plateaus), eligibility: tf.tensor2d(ets) },
        {
          weightMax: wmax,
          gate: GATE,
          discount: gamma,
          previousPlateau: tf.tensor2d([before.plateau]),
          previousEligibility: tf.tensor2d([before.et]),
        },
      ).arraySync(),
    );
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < 3; i++) {
        let expected = 0;
        for (let b = 0; b < 3; b++) {
          const previous =
            b === 0
              ? { plateau: before.plateau[j], et: before.et[i] }
              : { plateau: plateaus[b - 1][j], et: ets[b - 1][i] };
          expected += handDelta(W[j][i], wmax, plateaus[b][j], ets[b][i], previous, gamma);
        }
        expect(delta[j][i]).toBeCloseTo(expected, 5);
      }
    }
  });

  test('applyDelta clamps the weights to [0, wmax]', () => {
    const next = tf.tidy(() =>
      applyDelta(tf.tensor2d([[0.1, 0.4, 0.2]]), tf.tensor2d([[-1, 1, 0.1]]), 0.5, wmax).arraySync(),
    );
    expect(next[0][0]).toBe(0);
    expect(next[0][1]).toBeCloseTo(wmax, 6);
    expect(next[0][2]).toBeCloseTo(0.25, 6);
  });
});

describe('hebbianStep', () => {
  test('grows the weights of co-active pairs and keeps each unit’s summed weight', () => {
    const next = tf.tidy(() =>
      hebbianStep(
        tf.tensor2d([
          [0.1, 0.1],
          [0.2, 0.0],
        ]),
        tf.tensor2d([[1, 0]]),
        tf.tensor2d([[1, 0]]),
        tf.tensor2d([[0.2], [0.2]]),
        0.1,
        1,
      ).arraySync(),
    );
    // Unit 0: [0.2, 0.1] rescaled to sum 0.2; unit 1 is silent, so only its (equal) sum is kept.
    expect(next[0][0]).toBeCloseTo(0.4 / 3, 6);
    expect(next[0][1]).toBeCloseTo(0.2 / 3, 6);
    expect(next[1][0]).toBeCloseTo(0.2, 6);
    expect(next[1][1]).toBeCloseTo(0, 6);
  });
});
