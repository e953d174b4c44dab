import { hostname } from 'node:os';
import { Option } from 'commander';
import type { Command } from 'commander';
import { PlasticityError, fit, getRule, initBackend, parseConfig } from '@plasticity/core-tensors';
import type { BackendName, EpochRecord, Learner } from '@plasticity/core-tensors';
import {
  ElasticWorker,
  createThreadedLearner,
  linkToCenter,
  paramCount,
  parseEasgdConfig,
  writeParams,
} from '@plasticity/optimizers-easgd';
import type { RedisCenterStore } from '@plasticity/optimizers-easgd/redis';
import { loadDataset } from '@plasticity/datasets';
import type { CliContext, CliIO } from '../io.js';
import { positiveInt } from '../parse.js';
import { importPlugins } from '../plugins.js';
import {
  loadRedisModule,
  openCenterStore,
  readDescription,
  redisTarget,
  withoutSecret,
} from '../redis-center.js';
import type { RedisFlags, RedisTarget } from '../redis-center.js';
import { BACKEND_CHOICES, datasetOptions } from './shared.js';
import { addRedisOptions } from './center.js';
import { hasOptimizer, trainingThreadScript } from './train.js';

export interface WorkerOptions extends RedisFlags {
  readonly id?: string;
  readonly epochs?: number;
  /** Train on this many workers of this machine around its own center, linked to the Redis one (tree EASGD). */
  readonly threads?: number;
  /** Batches of this machine between exchanges of its center with the Redis one (default the center's τ). */
  readonly tauUp?: number;
  readonly dataDir?: string;
  readonly download?: boolean;
  readonly backend?: BackendName;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

/** What a worker prints on stdout when it has finished. */
export interface WorkerResult {
  readonly worker: string;
  readonly center: string;
  readonly epochs: number;
  /** Workers on this machine (more than one: tree EASGD through this machine's own center). */
  readonly threads: number;
  /** Training loss and metrics of this worker's last epoch. */
  readonly train?: EpochRecord['train'];
  readonly seconds: number;
}

/** A heartbeat lives this long; it is renewed every third of it while the worker runs. */
export const HEARTBEAT_TTL_MS = 15_000;

/** FNV-1a: a stable 31-bit hash of the worker id, added to the seed for this worker's data order. */
export function workerSeedOffset(id: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(id)) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0) % 0x7fff_ffff;
}

function defaultWorkerId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .slice(0, 100) || 'host';
  return `${host}-${process.pid}`;
}

/** A Learner whose steps are the elastic worker's (the local step with the exchange around it). */
function elasticLearner(worker: ElasticWorker): Learner {
  const local = worker.learner;
  return {
    params: local.params,
    trainStep: (batch) => worker.step(batch),
    predict: (x) => local.predict(x),
    get learningRate() {
      return local.learningRate;
    },
    set learningRate(value: number) {
      local.learningRate = value;
    },
    dispose: () => local.dispose(),
  };
}

/**
 * Tree EASGD on this machine: `threads` workers (one on this thread) exchange every τ with this
 * machine's center in shared memory, which starts at the Redis center and exchanges with it
 * elastically every `tauUp` batches (α of the Redis center's workers).
 */
async function machineLearner(args: {
  readonly description: Awaited<ReturnType<typeof readDescription>>;
  readonly local: Learner;
  readonly store: RedisCenterStore;
  readonly id: string;
  readonly threads: number;
  readonly order: 'author' | 'after-step';
  readonly tauUp: number | undefined;
  /** The threads' tfjs backend: this process's. */
  readonly backend: string;
  readonly build: () => Learner;
  readonly task: Parameters<typeof createThreadedLearner>[0]['task'];
  readonly config: unknown;
}): Promise<Learner> {
  const { description, store, threads } = args;
  const { method, tau, beta, delta, alpha } = description.parallel;
  const machineCenter = args.build();
  try {
    writeParams(machineCenter.params, await store.read());
    const machine = await createThreadedLearner({
      center: machineCenter,
      localLearner: args.local,
      script: trainingThreadScript(),
      rule: description.rule,
      config: args.config,
      task: args.task,
      seed: description.fit.seed,
      easgd: parseEasgdConfig({ method, workers: threads, tau, beta, delta }).config,
      modules: description.plugins ?? [],
      order: args.order,
      backend: args.backend,
    });
    return linkToCenter(machine, { upper: store, alpha, tau: args.tauUp ?? tau, id: args.id });
  } catch (error) {
    // Disposing twice is harmless: tensors ignore a second dispose.
    machineCenter.dispose();
    args.local.dispose();
    throw error;
  }
}

function epochLine(id: string, record: EpochRecord, epochs: number): string {
  const { loss, ...metrics } = record.train;
  const extra = Object.entries(metrics).map(([name, value]) =>
    name === 'accuracy' ? `accuracy ${(value * 100).toFixed(2)}%` : `${name} ${value.toFixed(4)}`,
  );
  return (
    `worker ${id} epoch ${record.epoch}/${epochs}: train loss ${loss.toFixed(4)}` +
    (extra.length ? `, ${extra.join(', ')}` : '') +
    ` (${record.seconds.toFixed(1)}s)\n`
  );
}

/** The first write a worker makes; a read-only user fails here, before any data is loaded. */
async function firstHeartbeat(store: RedisCenterStore, id: string, target: RedisTarget): Promise<void> {
  try {
    await store.heartbeat(id, HEARTBEAT_TTL_MS);
  } catch (error) {
    if (error instanceof PlasticityError && (error.details as { reason?: string })?.reason === 'permission')
      throw new PlasticityError(
        'E_CONFIG',
        `worker ${id} may not write to center "${target.center}" at ${target.shown}: this Redis user is ` +
          `not a worker (a read-only evaluator?); give workers a user with redisAclRules('worker', '${target.center}')`,
        { reason: 'permission' },
        { cause: error },
      );
    throw error;
  }
}

/**
 * Joins a center as one EASGD worker: reads the run description from Redis, builds the learner,
 * trains on its own data order with the exchange every tau steps, heartbeats while it runs and
 * leaves on exit or Ctrl-C.
 */
export async function runWorker(
  options: WorkerOptions,
  io: CliIO,
  signal?: AbortSignal,
): Promise<WorkerResult> {
  const target = await redisTarget(options, io);
  return withoutSecret(target, async () => {
    const description = await readDescription(target);
    const id = (await loadRedisModule()).checkName('--id', options.id ?? defaultWorkerId());
    await importPlugins(description.plugins ?? []);
    const plugin = getRule(description.rule);
    const config = parseConfig(plugin, description.config, `center "${target.center}" config`);
    if (description.parallel.synchronous)
      throw new PlasticityError(
        'E_USAGE',
        `center "${target.center}" asks for synchronous rounds, which need every worker in one ` +
          'process (train --parallel ... --synchronous); workers across machines exchange on their own clocks',
        { field: 'synchronous' },
      );
    if ((options.threads ?? 1) > 1 && description.parallel.method === 'downpour')
      throw new PlasticityError(
        'E_USAGE',
        `--threads trains this machine's workers around its own center (tree EASGD), which needs ` +
          `the elastic exchange; center "${target.center}" runs downpour: leave out --threads`,
        { field: 'threads' },
      );
    // With --threads this thread trains one of the machine's workers: one wasm thread.
    const backend = await initBackend(
      options.backend ?? 'auto',
      (options.threads ?? 1) > 1 ? { wasmThreads: 1 } : {},
    );
    const store = await openCenterStore(target, description.length, io);
    let learner: Learner | undefined;
    let beating: ReturnType<typeof setInterval> | undefined;
    const started = performance.now();
    try {
      await firstHeartbeat(store, id, target);
      beating = setInterval(() => {
        store.heartbeat(id, HEARTBEAT_TTL_MS).catch((error: unknown) => {
          io.stderr.write(`warning: heartbeat failed: ${error instanceof Error ? error.message : error}\n`);
        });
      }, HEARTBEAT_TTL_MS / 3);
      const data = await loadDataset(description.dataset, datasetOptions(options, io, signal));
      const local = plugin.create(config, data.task, description.fit.seed);
      learner = local;
      if (paramCount(local.params) !== description.length)
        throw new PlasticityError(
          'E_SHAPE',
          `the ${description.rule} learner built here has ${paramCount(local.params)} values; ` +
            `center "${target.center}" has ${description.length} (another version of the rule?)`,
        );
      // Rules with their own update (no gradient optimiser, e.g. BTSP) exchange after the step.
      const order = hasOptimizer(config) ? 'author' : 'after-step';
      const threads = options.threads ?? 1;
      let trainer: Learner;
      if (threads > 1) {
        learner = undefined; // machineLearner owns `local` from here
        trainer = learner = await machineLearner({
          description,
          local,
          store,
          id,
          threads,
          order,
          tauUp: options.tauUp,
          backend: backend.name,
          build: () => plugin.create(config, data.task, description.fit.seed),
          task: data.task,
          config,
        });
      } else {
        const worker = new ElasticWorker({
          learner: local,
          store,
          config: description.parallel,
          workerId: id,
          order,
        });
        await worker.join();
        trainer = elasticLearner(worker);
      }
      const epochs = options.epochs ?? description.fit.epochs;
      let last: EpochRecord | undefined;
      await fit(
        trainer,
        { train: data.train },
        {
          ...description.fit,
          epochs,
          seed: (description.fit.seed + workerSeedOffset(id)) % 0x7fff_ffff,
          signal,
          onEvent(event) {
            if (event.type !== 'epoch') return;
            last = event;
            if (!options.quiet) io.stderr.write(epochLine(id, event, epochs));
          },
        },
      );
      const result: WorkerResult = {
        worker: id,
        center: target.center,
        epochs,
        threads: options.threads ?? 1,
        ...(last ? { train: last.train } : {}),
        seconds: (performance.now() - started) / 1000,
      };
      if (options.json) io.stdout.write(`${JSON.stringify(result)}\n`);
      else
        io.stdout.write(
          `worker ${id} trained ${epochs} epochs${result.threads > 1 ? ` on ${result.threads} threads` : ''} in ${result.seconds.toFixed(1)}s and left center "${target.center}"\n`,
        );
      return result;
    } finally {
      if (beating) clearInterval(beating);
      await store.leave(id).catch(() => undefined);
      await store.close();
      learner?.dispose();
    }
  });
}

export function registerWorker(program: Command, context: CliContext): void {
  const command = program
    .command('worker')
    .description('join a center in Redis as one EASGD worker (see `plasticity center`), on this machine');
  addRedisOptions(command)
    .option('--id <id>', "this worker's name: letters, digits, _ . : - (default <host>-<pid>)")
    .option('-e, --epochs <n>', "epochs to train (default the center's fit.epochs)", positiveInt)
    .option(
      '--threads <n>',
      'workers on this machine around its own center, which exchanges with the Redis one (tree EASGD; default 1)',
      positiveInt,
    )
    .option(
      '--tau-up <n>',
      "batches between this machine's exchanges with the Redis center (default the center's τ)",
      positiveInt,
    )
    .addOption(new Option('--backend <name>', 'tfjs backend (default auto)').choices(BACKEND_CHOICES))
    .option('--data-dir <dir>', 'where datasets are read and cached')
    .option('--no-download', 'fail instead of downloading missing dataset files')
    .option('-q, --quiet', 'no per-epoch lines on stderr')
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (_flags: unknown, cmd: Command) => {
      await runWorker(cmd.optsWithGlobals<WorkerOptions>(), context.io, context.signal);
    });
}
