import { describe, expect, it } from '@jest/globals';
import { PlasticityError, isPlasticityError } from '../errors/plasticity-error.js';
import { fromWorkerError, startNodeWorkers, threadCount, toWorkerError } from './node-workers.js';

describe('node workers', () => {
  it("counts 'auto' threads from the cores (1–8) and passes numbers through", async () => {
    const auto = await threadCount('auto');
    expect(auto).toBeGreaterThanOrEqual(1);
    expect(auto).toBeLessThanOrEqual(8);
    expect(await threadCount(3)).toBe(3);
  });

  it('starts nothing when the worker script is missing', async () => {
    expect(
      await startNodeWorkers(new URL('./no-such-worker.js', import.meta.url), 2, () => ({})),
    ).toBeUndefined();
  });

  it('carries errors across as data: codes and details survive, plain errors stay plain', () => {
    const coded = fromWorkerError(
      toWorkerError(new PlasticityError('E_DIVERGED', 'state blew up', { layer: 2 })),
    );
    expect(isPlasticityError(coded, 'E_DIVERGED')).toBe(true);
    expect(coded).toMatchObject({ message: 'state blew up', details: { layer: 2 } });
    const plain = fromWorkerError(toWorkerError(new RangeError('bad index')));
    expect(isPlasticityError(plain)).toBe(false);
    expect(plain.message).toBe('bad index');
    expect(fromWorkerError(toWorkerError('a string')).message).toBe('a string');
  });
});
