import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { cli } from './harness.test-util.js';

// The trained run the NIR tests export: a small bptt `layers` network on Yin-Yang.

/** dense (with bias) → lif → dense → li: one node of each kind NIR export writes for bptt. */
export const NIR_TEST_LAYERS = [
  { type: 'dense', units: 6, bias: true },
  { type: 'lif', tauMem: 10, reset: 'zero' },
  { type: 'dense', units: 3 },
  { type: 'li', tauMem: 10, tauSyn: 5 },
];

/** Trains NIR_TEST_LAYERS for one epoch into `<dir>/run` on the cpu backend. */
export async function trainLayersRun(dir: string): Promise<void> {
  writeFileSync(
    join(dir, 'net.json'),
    JSON.stringify({ config: { layers: NIR_TEST_LAYERS }, fit: { epochs: 1 } }),
  );
  const train = await cli(
    ['train', 'bptt', '--dataset', 'yinyang', '-c', 'net.json', '--backend', 'cpu', '-q', '--out', 'run'],
    { cwd: dir },
  );
  expect({ code: train.code, stderr: train.stderr }).toEqual({ code: 0, stderr: '' });
}
