import { PlasticityError } from '@plasticity/core-tensors';
import type { CenterStore, WriteToken } from './center-store.js';

/**
 * The center in this thread's memory: for simulations and single-thread use. Every method
 * completes before it returns (the promises only match the interface), so each `add` is atomic.
 */
export class MemoryStore implements CenterStore {
  readonly length: number;
  private center: Float32Array | undefined;
  private readonly landedTokens = new Set<string>();
  /** Number of `add` calls applied (for tests and reports). */
  adds = 0;

  constructor(length: number) {
    if (!Number.isInteger(length) || length < 1) {
      throw new PlasticityError('E_USAGE', `MemoryStore: length must be a positive integer, got ${length}`);
    }
    this.length = length;
  }

  async init(values: Float32Array): Promise<boolean> {
    checkLength(this.length, values, 'MemoryStore.init');
    if (this.center) return false;
    this.center = Float32Array.from(values);
    return true;
  }

  async read(): Promise<Float32Array> {
    return Float32Array.from(this.values('read'));
  }

  async add(delta: Float32Array, token?: WriteToken): Promise<void> {
    checkLength(this.length, delta, 'MemoryStore.add');
    const center = this.values('add');
    for (let i = 0; i < center.length; i++) center[i] += delta[i];
    this.adds++;
    if (token) this.landedTokens.add(tokenKey(token));
  }

  async landed(token: WriteToken): Promise<boolean> {
    return this.landedTokens.has(tokenKey(token));
  }

  async close(): Promise<void> {}

  private values(what: string): Float32Array {
    if (!this.center) {
      throw new PlasticityError(
        'E_USAGE',
        `MemoryStore.${what}: the center is not initialised (call init first)`,
      );
    }
    return this.center;
  }
}

export function tokenKey(token: WriteToken): string {
  return `${token.worker}#${token.sequence}`;
}

export function checkLength(length: number, values: Float32Array, where: string): void {
  if (values.length !== length) {
    throw new PlasticityError(
      'E_SHAPE',
      `${where}: expected ${length} values (the center's length), got ${values.length}`,
    );
  }
}
