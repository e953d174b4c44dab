import type { CenterStore } from '../store/center-store.js';

export interface ThroughputFigure {
  /** Center size, MiB of float32. */
  readonly mib: number;
  /** Megabytes (10^6 bytes) of center per second, median of `repeats` timed calls. */
  readonly readMBps: number;
  readonly addMBps: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Times `read()` and `add()` of centers of the given sizes, each through a store that
 * `open(length)` returns (and this function closes). A benchmark, not a test: figures depend on
 * the machine and its load.
 */
export async function measureCenterThroughput(
  open: (length: number) => Promise<CenterStore>,
  sizesMiB: readonly number[],
  repeats = 5,
): Promise<ThroughputFigure[]> {
  const figures: ThroughputFigure[] = [];
  for (const mib of sizesMiB) {
    const length = Math.round((mib * 1024 * 1024) / 4);
    const store = await open(length);
    try {
      await store.init(new Float32Array(length));
      const delta = new Float32Array(length).fill(0.25);
      await store.read(); // warm: scripts loaded, connection busy
      await store.add(delta);
      const reads: number[] = [];
      const adds: number[] = [];
      for (let r = 0; r < repeats; r++) {
        let t = performance.now();
        await store.read();
        reads.push(performance.now() - t);
        t = performance.now();
        await store.add(delta);
        adds.push(performance.now() - t);
      }
      const mb = (length * 4) / 1e6;
      figures.push({ mib, readMBps: mb / (median(reads) / 1000), addMBps: mb / (median(adds) / 1000) });
    } finally {
      await store.close();
    }
  }
  return figures;
}
