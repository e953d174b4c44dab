import { expect, jest, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';

// h5wasm is an optional peer: without it, reading SHD says what to install.
jest.unstable_mockModule('h5wasm/node', () => {
  throw new Error("Cannot find package 'h5wasm' imported from shd/h5.js");
});

test('without h5wasm, opening an HDF5 file is E_USAGE naming npm install h5wasm', async () => {
  const { openH5 } = await import('./h5.js');
  const error = await openH5('/nowhere/shd_train.h5').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
  expect((error as Error).message).toMatch(/npm install h5wasm/);
});
