// Worker thread for the shared-memory store test: attaches to the center, adds dyadic deltas that
// are uniform within each shard, and after every add reads the center back: a consistent read of
// a center that started uniform per shard is uniform per shard, so any mixed shard is a torn read.
import { parentPort, workerData } from 'node:worker_threads';
import { SharedMemoryStore } from '../shared-memory-store.js';

export interface AddJob {
  readonly buffer: SharedArrayBuffer;
  readonly worker: number;
  readonly adds: number;
}

/** The value worker `w` adds to every element of shard `s` in its `t`-th add (a multiple of 1/16). */
export function deltaValue(w: number, t: number, s: number): number {
  return (((w * 31 + t * 7 + s * 3) % 9) - 4) / 16;
}

async function run(job: AddJob): Promise<{ torn: number; reads: number }> {
  const store = SharedMemoryStore.fromBuffer(job.buffer);
  const delta = new Float32Array(store.length);
  let torn = 0;
  for (let t = 0; t < job.adds; t++) {
    for (let s = 0; s < store.shards; s++) {
      delta.fill(
        deltaValue(job.worker, t, s),
        s * store.shardSize,
        Math.min(store.length, (s + 1) * store.shardSize),
      );
    }
    await store.add(delta, { worker: `w${job.worker}`, sequence: t + 1 });
    const seen = await store.read();
    for (let s = 0; s < store.shards; s++) {
      const from = s * store.shardSize;
      const to = Math.min(store.length, from + store.shardSize);
      for (let i = from + 1; i < to; i++) {
        if (seen[i] !== seen[from]) {
          torn++;
          break;
        }
      }
    }
  }
  return { torn, reads: job.adds };
}

if (parentPort && workerData) {
  const port = parentPort;
  run(workerData as AddJob).then(
    (result) => port.postMessage(result),
    (error: unknown) => port.postMessage({ error: String(error) }),
  );
}
