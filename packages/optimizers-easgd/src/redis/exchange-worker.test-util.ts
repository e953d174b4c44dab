// A worker process for the fault tests: heartbeats and adds `value` to every element of the center,
// one token per exchange. With PAUSE_AT=<sequence>, it stops between its shard-0 and shard-1
// compare-and-sets of that exchange, prints "paused", and waits to be killed.
import { RedisCenterStore } from './redis-center-store.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`exchange worker: ${name} not set`);
  return value;
};

const worker = env('WORKER');
const value = Number(env('VALUE'));
const length = Number(env('LENGTH'));
const pauseAt = Number(process.env.PAUSE_AT ?? -1);
const heartbeatMs = Number(process.env.HEARTBEAT_MS ?? 3000);
let sequence = 0;
const store = await RedisCenterStore.connect({
  url: env('URL'),
  center: env('CENTER'),
  length,
  shardFloats: Number(env('SHARD_FLOATS')),
  beforeCompareAndSet: async (shard) => {
    if (sequence === pauseAt && shard === 1) {
      await until(() => store.stats.writes >= (pauseAt - 1) * 2 + 1); // shard 0 of this exchange is in
      await store.heartbeat(worker, heartbeatMs);
      process.stdout.write('paused\n');
      await new Promise(() => undefined);
    }
  },
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

for (;;) {
  await store.heartbeat(worker, heartbeatMs);
  sequence++;
  await store.add(new Float32Array(length).fill(value), { worker, sequence });
}
