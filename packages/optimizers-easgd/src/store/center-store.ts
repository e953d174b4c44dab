/**
 * Where the center variable x̃ lives: a flat float32 vector that several workers read and add to.
 * Two implementations: shared memory between the worker threads of one process, and Redis across
 * machines. All arithmetic happens in the workers; a store only has to make each `add` atomic
 * (no lost or doubled update), which is what the conservation tests check.
 */
export interface CenterStore {
  /** Number of float32 values in the center. */
  readonly length: number;
  /**
   * Sets the center to `values` unless it already exists (the first caller wins, so workers that
   * start together agree). Returns true when this call created it.
   */
  init(values: Float32Array): Promise<boolean>;
  /** A copy of the center; each shard is read consistently (never half of one write). */
  read(): Promise<Float32Array>;
  /**
   * `center += delta`, atomically per shard. `token` identifies the write (worker id and a
   * counter): a worker that lost its connection mid-write asks `landed(token)` whether it counted.
   */
  add(delta: Float32Array, token?: WriteToken): Promise<void>;
  /** Whether the write with this token was applied (to every shard). */
  landed?(token: WriteToken): Promise<boolean>;
  /** Releases connections or handles; the center itself stays (in Redis) for others. */
  close(): Promise<void>;
}

/** Identifies one write: the worker that made it and that worker's write counter. */
export interface WriteToken {
  readonly worker: string;
  readonly sequence: number;
}
