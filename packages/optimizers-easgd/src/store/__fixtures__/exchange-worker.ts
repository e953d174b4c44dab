// Worker thread for the conservation test: runs the real asynchronous exchange (ElasticClient,
// eta = 0 so the local step does nothing) against a SharedMemoryStore and posts its final x.
import { parentPort, workerData } from 'node:worker_threads';
import { parseEasgdConfig } from '../../config.js';
import { ElasticClient } from '../../worker/elastic-client.js';
import { SharedMemoryStore } from '../shared-memory-store.js';

export interface ExchangeJob {
  readonly buffer: SharedArrayBuffer;
  readonly worker: number;
  readonly workers: number;
  readonly exchanges: number;
  readonly x: Float32Array;
}

async function run(job: ExchangeJob): Promise<Float32Array> {
  const store = SharedMemoryStore.fromBuffer(job.buffer);
  const { config } = parseEasgdConfig({ workers: job.workers, tau: 1, alpha: 0.25 });
  const order = job.worker % 2 === 0 ? 'author' : 'after-step';
  const client = new ElasticClient({ store, config, workerId: `t${job.worker}`, order });
  const x = Float32Array.from(job.x);
  for (let t = 0; t < job.exchanges; t++) {
    await client.stepAround({ read: () => x, write: () => undefined, step: () => undefined });
  }
  return x;
}

if (parentPort && workerData) {
  const port = parentPort;
  run(workerData as ExchangeJob).then(
    (x) => port.postMessage({ x }),
    (error: unknown) => port.postMessage({ error: String(error) }),
  );
}
