/**
 * The rule's sigmoid gains: a logistic `s(x) = 1/(1 + exp(-(2/hw)(x - theta)))` rescaled so that
 * q(0) = 0 and q(1) = 1 (the signal overlap ET·IS lives in [0, 1]).
 */
export type Gain = (x: number) => number;

export function sigmoidGain(theta: number, halfWidth: number): Gain {
  const slope = 2 / halfWidth;
  const s = (x: number): number => 1 / (1 + Math.exp(-slope * (x - theta)));
  const s0 = s(0);
  const span = s(1) - s0;
  return (x) => (s(x) - s0) / span;
}
