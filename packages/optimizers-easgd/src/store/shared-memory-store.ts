import { PlasticityError } from '@plasticity/core-tensors';
import type { CenterStore, WriteToken } from './center-store.js';
import { checkLength } from './memory-store.js';

// Layout of the SharedArrayBuffer: an Int32 header, then one lock word and one version word per
// shard, then the float32 center. The header records the length and shard size so a worker can
// attach with nothing but the buffer.
const HEADER = 4;
const LENGTH = 0;
const SHARD_SIZE = 1;
const STATE = 2; // 0 empty, 1 being initialised, 2 ready
const EMPTY = 0;
const INITIALISING = 1;
const READY = 2;
const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;
/** Spins before a waiter sleeps on the lock word (a shard add takes microseconds). */
const SPINS = 64;

export interface SharedMemoryStoreOptions {
  /** Float32 values per lock (default 4096: 16 KiB, so workers adding at once rarely collide). */
  readonly shardSize?: number;
}

/**
 * The center in a SharedArrayBuffer that the worker threads of one process share. Each shard has
 * a lock word taken with `Atomics.compareExchange` (sleepers wait with `Atomics.wait`): `add`
 * holds it while adding its slice, `read` while copying, so no update is lost or doubled and no
 * read sees half of one write. A version word per shard counts the adds it took. Create it in one
 * thread, post `buffer` to the others and attach there with `fromBuffer`.
 */
export class SharedMemoryStore implements CenterStore {
  readonly length: number;
  readonly shardSize: number;
  readonly shards: number;
  private readonly words: Int32Array;
  private readonly center: Float32Array;

  private constructor(readonly buffer: SharedArrayBuffer) {
    const header = new Int32Array(buffer, 0, HEADER);
    this.length = header[LENGTH];
    this.shardSize = header[SHARD_SIZE];
    this.shards = Math.ceil(this.length / this.shardSize);
    this.words = new Int32Array(buffer, 0, HEADER + 2 * this.shards);
    this.center = new Float32Array(buffer, wordsBytes(this.shards), this.length);
  }

  /** A new, empty center of `length` floats. */
  static create(length: number, options: SharedMemoryStoreOptions = {}): SharedMemoryStore {
    const shardSize = options.shardSize ?? 4096;
    if (typeof SharedArrayBuffer !== 'function') {
      throw new PlasticityError('E_USAGE', 'SharedMemoryStore: SharedArrayBuffer is not available here');
    }
    for (const [name, value] of [
      ['length', length],
      ['shardSize', shardSize],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new PlasticityError(
          'E_USAGE',
          `SharedMemoryStore: ${name} must be a positive integer, got ${value}`,
        );
      }
    }
    const shards = Math.ceil(length / shardSize);
    const buffer = new SharedArrayBuffer(wordsBytes(shards) + 4 * length);
    const header = new Int32Array(buffer, 0, HEADER);
    header[LENGTH] = length;
    header[SHARD_SIZE] = shardSize;
    return new SharedMemoryStore(buffer);
  }

  /** Attaches to a center another thread created (the buffer came in a message or workerData). */
  static fromBuffer(buffer: SharedArrayBuffer): SharedMemoryStore {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < 4 * HEADER) {
      throw new PlasticityError(
        'E_USAGE',
        'SharedMemoryStore.fromBuffer: expected the SharedArrayBuffer of a store',
      );
    }
    const length = new Int32Array(buffer, 0, HEADER)[LENGTH];
    const shardSize = new Int32Array(buffer, 0, HEADER)[SHARD_SIZE];
    const expected =
      length > 0 && shardSize > 0 ? wordsBytes(Math.ceil(length / shardSize)) + 4 * length : -1;
    if (buffer.byteLength !== expected) {
      throw new PlasticityError(
        'E_USAGE',
        'SharedMemoryStore.fromBuffer: the buffer is not laid out as a store',
      );
    }
    return new SharedMemoryStore(buffer);
  }

  async init(values: Float32Array): Promise<boolean> {
    checkLength(this.length, values, 'SharedMemoryStore.init');
    if (Atomics.compareExchange(this.words, STATE, EMPTY, INITIALISING) !== EMPTY) {
      this.waitReady();
      return false;
    }
    this.center.set(values);
    Atomics.store(this.words, STATE, READY);
    Atomics.notify(this.words, STATE);
    return true;
  }

  async read(): Promise<Float32Array> {
    this.requireReady('read');
    const out = new Float32Array(this.length);
    for (let s = 0; s < this.shards; s++) {
      this.lock(s);
      try {
        const [from, to] = this.range(s);
        out.set(this.center.subarray(from, to), from);
      } finally {
        this.unlock(s);
      }
    }
    return out;
  }

  // Shared memory cannot lose a write half-way through a message, so tokens need no record here.
  async add(delta: Float32Array, _token?: WriteToken): Promise<void> {
    checkLength(this.length, delta, 'SharedMemoryStore.add');
    this.requireReady('add');
    for (let s = 0; s < this.shards; s++) {
      this.lock(s);
      try {
        const [from, to] = this.range(s);
        for (let i = from; i < to; i++) this.center[i] += delta[i];
        Atomics.add(this.words, versionWord(this.shards, s), 1);
      } finally {
        this.unlock(s);
      }
    }
  }

  /** Adds shard `s` has taken so far. */
  version(s: number): number {
    return Atomics.load(this.words, versionWord(this.shards, s));
  }

  async close(): Promise<void> {}

  private range(s: number): [number, number] {
    const from = s * this.shardSize;
    return [from, Math.min(this.length, from + this.shardSize)];
  }

  // A futex-style mutex (Drepper's "mutex2"): 0 free, 1 held, 2 held with sleepers. Unlocking
  // wakes a sleeper only when there may be one, so an uncontended add costs no notify call.
  private lock(s: number): void {
    const word = HEADER + s;
    if (Atomics.compareExchange(this.words, word, UNLOCKED, LOCKED) === UNLOCKED) return;
    for (let spin = 0; ; spin++) {
      // Mark the lock as contended; whoever frees it then wakes one sleeper.
      if (Atomics.exchange(this.words, word, CONTENDED) === UNLOCKED) return;
      if (spin >= SPINS) sleepWhile(this.words, word, CONTENDED, 1);
    }
  }

  private unlock(s: number): void {
    const word = HEADER + s;
    if (Atomics.exchange(this.words, word, UNLOCKED) === CONTENDED) Atomics.notify(this.words, word, 1);
  }

  private requireReady(what: string): void {
    const state = Atomics.load(this.words, STATE);
    if (state === EMPTY) {
      throw new PlasticityError(
        'E_USAGE',
        `SharedMemoryStore.${what}: the center is not initialised (call init first)`,
      );
    }
    if (state === INITIALISING) this.waitReady();
  }

  private waitReady(): void {
    while (Atomics.load(this.words, STATE) !== READY) sleepWhile(this.words, STATE, INITIALISING, 10);
  }
}

/** Whether this thread may block in `Atomics.wait` (a browser's main thread may not). */
let canWait = true;

/** `Atomics.wait` where allowed; elsewhere the caller's loop just spins. */
function sleepWhile(words: Int32Array, index: number, value: number, ms: number): void {
  if (!canWait) return;
  try {
    Atomics.wait(words, index, value, ms);
  } catch {
    canWait = false;
  }
}

function wordsBytes(shards: number): number {
  return 4 * (HEADER + 2 * shards);
}

function versionWord(shards: number, s: number): number {
  return HEADER + shards + s;
}
