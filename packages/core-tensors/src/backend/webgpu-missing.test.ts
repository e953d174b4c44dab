import { expect, jest, test } from '@jest/globals';
import { isPlasticityError } from '../errors/plasticity-error.js';

// @tensorflow/tfjs-backend-webgpu is an optional peer: without it, webgpu says what to install.
jest.unstable_mockModule('@tensorflow/tfjs-backend-webgpu', () => {
  throw new Error("Cannot find package '@tensorflow/tfjs-backend-webgpu'");
});

test('without the webgpu backend package, E_BACKEND names npm install @tensorflow/tfjs-backend-webgpu', async () => {
  const { importWebgpuBackend } = await import('./webgpu.js');
  const error = await importWebgpuBackend().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
  expect((error as Error).message).toMatch(/npm install @tensorflow\/tfjs-backend-webgpu@4\.22\.0/);
});
