import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { PlasticityError, getRule, initBackend } from '@plasticity/core-tensors';
import type { BackendName } from '@plasticity/core-tensors';
import { EASGD_METHODS, flattenParams, parseEasgdConfig } from '@plasticity/optimizers-easgd';
import type { EasgdMethod } from '@plasticity/optimizers-easgd';
import { USER_FILES_DATASET, loadDataset } from '@plasticity/datasets';
import { readConfigFile } from '../config-file.js';
import type { CliContext, CliIO } from '../io.js';
import { nonNegativeInt, positiveInt } from '../parse.js';
import { collect, importPlugins, normalizePluginSpecifiers } from '../plugins.js';
import {
  CENTER_FORMAT,
  centerStatus,
  formatCenterStatus,
  publishDescription,
  redisTarget,
  withoutSecret,
  openCenterStore,
} from '../redis-center.js';
import type { CenterDescription, CenterStatus, RedisFlags } from '../redis-center.js';
import { resolveTrainConfig } from '../train-config.js';
import { collectVersions } from '../versions.js';
import { BACKEND_CHOICES, datasetOptions } from './shared.js';
import { checkDatasetName, withNesterov } from './train.js';

export interface CenterOptions extends RedisFlags {
  readonly rule?: string;
  readonly dataset?: string;
  readonly config?: string;
  readonly preset?: string;
  readonly set?: readonly string[];
  readonly seed?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly parallel?: EasgdMethod;
  readonly tau?: number;
  readonly workers?: number;
  readonly backend?: BackendName;
  readonly dataDir?: string;
  readonly download?: boolean;
  readonly plugin?: readonly string[];
  readonly json?: boolean;
}

/** What `center --json` prints. */
export interface CenterReport extends CenterStatus {
  /** `created` by this call, or `same` (an identical description was there). */
  readonly outcome: 'created' | 'same';
}

/**
 * Initialises a center in Redis: the run description under `<center>:config` and the learner's
 * initial params as the center (first writer wins), then reports on it.
 */
export async function runCenter(
  options: CenterOptions,
  io: CliIO,
  signal?: AbortSignal,
): Promise<CenterReport> {
  const target = await redisTarget(options, io);
  return withoutSecret(target, async () => {
    if (!options.rule) throw new PlasticityError('E_USAGE', 'center needs --rule R (see `plasticity info`)');
    if (!options.dataset)
      throw new PlasticityError('E_USAGE', 'center needs --dataset D (see `plasticity info`)');
    if (options.dataset === USER_FILES_DATASET)
      throw new PlasticityError(
        'E_USAGE',
        `center trains on a named dataset that every machine can load; --dataset ${USER_FILES_DATASET} is not one`,
      );
    const plugins = normalizePluginSpecifiers(options.plugin ?? [], io.cwd);
    await importPlugins(plugins);
    const plugin = getRule(options.rule);
    checkDatasetName(options.dataset);
    const file = options.config ? readConfigFile(resolve(io.cwd, options.config)) : undefined;
    const resolved = resolveTrainConfig(plugin, options.dataset, {
      preset: options.preset,
      file,
      set: options.set,
      flags: options,
    });
    const { config: parallel, warnings } = parseEasgdConfig(
      { method: options.parallel ?? 'easgd', workers: options.workers ?? 2, tau: options.tau ?? 4 },
      'center',
    );
    for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
    const config =
      parallel.method === 'eamsgd' ? withNesterov(plugin, resolved.config, parallel) : resolved.config;

    await initBackend(options.backend ?? 'auto');
    const data = await loadDataset(options.dataset, datasetOptions(options, io, signal));
    const learner = plugin.create(config, data.task, resolved.fit.seed);
    let values: Float32Array;
    try {
      values = await flattenParams(learner.params);
    } finally {
      learner.dispose();
    }
    const description: CenterDescription = {
      format: CENTER_FORMAT,
      rule: plugin.name,
      config,
      dataset: options.dataset,
      ...(options.preset ? { preset: options.preset } : {}),
      ...(plugins.length ? { plugins } : {}),
      task: data.task,
      preprocess: data.preprocess,
      ...(data.classNames ? { classNames: data.classNames } : {}),
      fit: resolved.fit,
      parallel,
      length: values.length,
      versions: collectVersions(plugin),
    };
    // Check (or claim) the description first: a different run never touches the center.
    const outcome = await publishDescription(target, description);
    const store = await openCenterStore(target, values.length, io);
    try {
      await store.init(values);
    } finally {
      await store.close();
    }
    const report: CenterReport = { ...(await centerStatus(target, description)), outcome };
    if (options.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else
      io.stdout.write(
        formatCenterStatus(report, outcome === 'created' ? 'created' : 'already there with this description'),
      );
    return report;
  });
}

/** The options every Redis command takes. */
export function addRedisOptions(command: Command): Command {
  return command
    .option('--redis <url>', 'the Redis server: redis://[user:password@]host:port, or rediss://... for TLS')
    .option('--redis-ca <file>', 'PEM file of the CA that signed the Redis server certificate (makes it TLS)')
    .option('--center <name>', 'the center, a key prefix in Redis (default plasticity)');
}

export function registerCenter(program: Command, context: CliContext): void {
  const command = program
    .command('center')
    .description(
      'initialise an EASGD center in Redis (run description and initial params) for `plasticity worker`s on any machine, and report on it',
    );
  addRedisOptions(command)
    .option('--rule <name>', 'rule to train (see `plasticity info`)')
    .option('-d, --dataset <name>', 'dataset every worker trains on')
    .option('-c, --config <file>', 'JSON settings: {"config": {rule settings}, "fit": {trainer settings}}')
    .option('--preset <name>', "one of the rule's named recipes for this dataset")
    .option('--set <key=value>', 'override one setting (repeatable), as for train', collect)
    .option(
      '--seed <n>',
      'seed for the initial params (workers add a hash of their id for data order)',
      nonNegativeInt,
    )
    .option('-e, --epochs <n>', 'epochs each worker trains by default', positiveInt)
    .option('-b, --batch-size <n>', 'samples per batch', positiveInt)
    .addOption(new Option('--parallel <method>', 'the exchange (default easgd)').choices(EASGD_METHODS))
    .option('--tau <n>', 'local steps between exchanges with the center (default 4)', positiveInt)
    .option('--workers <n>', 'number of workers expected: p in alpha = beta / p (default 2)', positiveInt)
    .addOption(new Option('--backend <name>', 'tfjs backend (default auto)').choices(BACKEND_CHOICES))
    .option('--data-dir <dir>', 'where datasets are read and cached')
    .option('--no-download', 'fail instead of downloading missing dataset files')
    .option('--json', 'print the report as one JSON object on stdout')
    .action(async (_flags: unknown, cmd: Command) => {
      await runCenter(cmd.optsWithGlobals<CenterOptions>(), context.io, context.signal);
    });
}
