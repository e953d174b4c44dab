import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import {
  PlasticityError,
  bestCheckpointDir,
  disposeCheckpoint,
  evaluate,
  getRule,
  initBackend,
  loadCheckpoint,
  parseConfig,
  restoreParams,
} from '@plasticity/core-tensors';
import type { BackendName, BestRecord, DataSplit, Learner } from '@plasticity/core-tensors';
import { writeParams } from '@plasticity/optimizers-easgd';
import type { CliContext, CliIO } from '../io.js';
import { describeBest } from '../keep-best.js';
import { positiveInt } from '../parse.js';
import { importPlugins, normalizePluginSpecifiers, pluginsFromRunDir } from '../plugins.js';
import { confusionOf } from '../confusion.js';
import {
  centerStatus,
  openCenterStore,
  readDescription,
  redisTarget,
  withoutSecret,
} from '../redis-center.js';
import type { RedisFlags } from '../redis-center.js';
import { RUN_FORMAT, readRunConfig, runPath } from '../run-dir.js';
import type { RunConfig } from '../run-dir.js';
import { checkRunIdentity } from '../run-identity.js';
import { inputsSplit, loadEvalData, parseInputRange } from '../user-data.js';
import { BACKEND_CHOICES } from './shared.js';

export interface EvalOptions extends RedisFlags {
  /** A run directory; or `--redis` for a center in Redis. */
  readonly run?: string;
  readonly dataset?: string;
  readonly split?: 'train' | 'validation' | 'test';
  readonly inputs?: string;
  readonly labels?: string;
  /** The range the `--inputs` values are in, mapped onto the raw range training saw. */
  readonly inputRange?: readonly [number, number];
  readonly backend?: BackendName;
  /** `last` (default) or `best` (kept by `train --keep-best`). */
  readonly checkpoint?: 'last' | 'best';
  readonly batchSize?: number;
  readonly dataDir?: string;
  readonly download?: boolean;
  readonly json?: boolean;
  readonly plugin?: readonly string[];
}

export interface ClassCount {
  readonly class: number;
  readonly name?: string;
  readonly count: number;
  readonly correct: number;
}

/** What `eval --json` prints. */
export interface EvalReport {
  readonly run: string;
  readonly rule: string;
  readonly source:
    | { readonly dataset: string; readonly split: string }
    | { readonly inputs: string; readonly labels: string };
  readonly accuracy: number;
  readonly loss: number;
  readonly count: number;
  readonly perClass: readonly ClassCount[];
  /** `confusion[label][predicted]`. */
  readonly confusion: readonly (readonly number[])[];
  /** Which checkpoint was evaluated, and the epoch it was saved after (not for a center). */
  readonly checkpoint?: 'last' | 'best';
  readonly epoch?: number;
  /** `eval --redis`: the center scored, and its shards' versions (writes applied) when read. */
  readonly center?: { readonly name: string; readonly redis: string; readonly versions: readonly number[] };
  /** For `--checkpoint best`: the metric that made that epoch the best. */
  readonly best?: BestRecord;
  readonly backend: string;
}

/**
 * A run directory opened for reading: its config (checked against the checkpoint's run id) and
 * the rule plugins it was trained with (and `--plugin`s) imported.
 */
export async function openRun(
  run: string,
  plugins: readonly string[] | undefined,
  io: CliIO,
): Promise<{ dir: string; runConfig: RunConfig }> {
  const dir = resolve(io.cwd, run);
  const runConfig = readRunConfig(dir);
  checkRunIdentity(dir, runConfig);
  await importPlugins([
    ...pluginsFromRunDir(runConfig.plugins ?? [], dir),
    ...normalizePluginSpecifiers(plugins ?? [], io.cwd),
  ]);
  return { dir, runConfig };
}

/** Rebuilds the run's learner through the rule registry and loads the checkpoint's params. */
export async function restoreLearner(
  dir: string,
  runConfig: RunConfig,
  which: 'last' | 'best',
): Promise<{ learner: Learner; config: unknown; epoch: number; best?: BestRecord }> {
  const checkpointDir =
    which === 'best' ? bestCheckpointDir(runPath(dir, 'checkpoint')) : runPath(dir, 'checkpoint');
  if (which === 'best' && !existsSync(checkpointDir)) {
    throw new PlasticityError(
      'E_USAGE',
      `${dir} has no best checkpoint (${checkpointDir}); train with --keep-best to keep one, or drop --checkpoint best`,
      { dir },
    );
  }
  const plugin = getRule(runConfig.rule);
  const config = parseConfig(plugin, runConfig.config, runPath(dir, 'config'));
  const learner = plugin.create(config, runConfig.task, runConfig.fit.seed);
  try {
    // Params only: inference needs no optimiser state (optimizer.safetensors may be absent).
    const checkpoint = await loadCheckpoint(checkpointDir, { optimizer: false });
    try {
      restoreParams(learner, checkpoint.params, checkpointDir);
      return {
        learner,
        config,
        epoch: checkpoint.epoch,
        ...(checkpoint.best ? { best: checkpoint.best } : {}),
      };
    } finally {
      disposeCheckpoint(checkpoint);
    }
  } catch (error) {
    learner.dispose();
    throw error;
  }
}

/** Evaluates a run's checkpoint, or a center in Redis, on a dataset split or on raw `.npy` features and labels. */
export async function runEval(options: EvalOptions, io: CliIO): Promise<EvalReport> {
  if (options.redis !== undefined) {
    if (options.run !== undefined)
      throw new PlasticityError('E_USAGE', 'eval takes --run DIR or --redis URL, not both');
    return runEvalCenter(options, io);
  }
  if (options.run === undefined)
    throw new PlasticityError('E_USAGE', 'eval needs --run DIR (a run directory) or --redis URL (a center)');
  checkSource(options);
  const { dir, runConfig } = await openRun(options.run, options.plugin, io);
  const backend = await initBackend(options.backend ?? 'auto');
  const which = options.checkpoint ?? 'last';
  const { learner, epoch, best } = await restoreLearner(dir, runConfig, which);
  try {
    return await scoreAndPrint(learner, runConfig, options, io, {
      run: dir,
      checkpoint: which,
      epoch,
      ...(best ? { best } : {}),
      backend: backend.name,
    });
  } finally {
    learner.dispose();
  }
}

function checkSource(options: EvalOptions): void {
  if (Boolean(options.dataset) === Boolean(options.inputs)) {
    throw new PlasticityError(
      'E_USAGE',
      'eval needs exactly one of --dataset NAME or --inputs x.npy --labels y.npy',
    );
  }
  if (options.inputRange !== undefined && !options.inputs) {
    throw new PlasticityError(
      'E_USAGE',
      '--input-range applies to --inputs files; datasets are read as training read them',
    );
  }
}

/**
 * `eval --redis`: rebuilds the learner from the center's description and scores the center's
 * current params. Reads only (a read-only evaluator user is enough); the center keeps changing
 * while workers run, so the report names the shard versions it read.
 */
async function runEvalCenter(options: EvalOptions, io: CliIO): Promise<EvalReport> {
  const target = await redisTarget(options, io);
  return withoutSecret(target, async () => {
    if (options.checkpoint !== undefined)
      throw new PlasticityError(
        'E_USAGE',
        '--checkpoint applies to --run; --redis scores the center as it is',
      );
    const description = await readDescription(target);
    const withDataset = options.inputs
      ? options
      : { ...options, dataset: options.dataset ?? description.dataset };
    checkSource(withDataset);
    await importPlugins([
      ...(description.plugins ?? []),
      ...normalizePluginSpecifiers(options.plugin ?? [], io.cwd),
    ]);
    const backend = await initBackend(options.backend ?? 'auto');
    const plugin = getRule(description.rule);
    const config = parseConfig(plugin, description.config, `center "${target.center}" config`);
    const runConfig = {
      ...description,
      format: RUN_FORMAT,
      config,
      backend: { requested: 'auto', name: backend.name },
      createdAt: '',
    } as RunConfig;
    const learner = plugin.create(config, description.task, description.fit.seed);
    try {
      const store = await openCenterStore(target, description.length, io);
      let versions: number[];
      try {
        writeParams(learner.params, await store.read());
        versions = (await centerStatus(target, description)).shards.map((s) => s.version);
      } finally {
        await store.close();
      }
      return await scoreAndPrint(learner, runConfig, withDataset, io, {
        run: `${target.shown}#${target.center}`,
        center: { name: target.center, redis: target.shown, versions },
        backend: backend.name,
      });
    } finally {
      learner.dispose();
    }
  });
}

/** Scores `learner` on the chosen split or files, prints the report and returns it. */
async function scoreAndPrint(
  learner: Learner,
  runConfig: RunConfig,
  options: EvalOptions,
  io: CliIO,
  about: Pick<EvalReport, 'run' | 'checkpoint' | 'epoch' | 'best' | 'center' | 'backend'>,
): Promise<EvalReport> {
  const batchSize = options.batchSize ?? 256;
  const classes = runConfig.task.outputs;
  let source: EvalReport['source'];
  let data: DataSplit;
  if (options.dataset) {
    const split = options.split ?? 'test';
    const loaded = await loadEvalData(options.dataset, runConfig, options, io);
    const chosen = loaded[split];
    if (!chosen) throw new PlasticityError('E_USAGE', `dataset ${options.dataset} has no ${split} split`);
    if (JSON.stringify(loaded.task.input) !== JSON.stringify(runConfig.task.input)) {
      throw new PlasticityError(
        'E_SHAPE',
        `dataset ${options.dataset} gives ${JSON.stringify(loaded.task.input)} inputs; the run was trained on ${JSON.stringify(runConfig.task.input)}`,
      );
    }
    data = chosen;
    source = { dataset: options.dataset, split };
  } else {
    data = await inputsSplit(options, runConfig, io);
    source = {
      inputs: resolve(io.cwd, options.inputs as string),
      labels: resolve(io.cwd, options.labels as string),
    };
  }
  const metrics = await evaluate(learner, data, { batchSize });
  const confusion = await confusionOf(learner, data, classes, batchSize);
  const perClass = confusion.map((row, c) => ({
    class: c,
    ...(runConfig.classNames?.[c] !== undefined ? { name: runConfig.classNames[c] } : {}),
    count: row.reduce((a, b) => a + b, 0),
    correct: row[c],
  }));
  const report: EvalReport = {
    run: about.run,
    rule: runConfig.rule,
    source,
    accuracy: metrics.accuracy,
    loss: metrics.loss,
    count: metrics.count,
    perClass,
    confusion,
    ...(about.checkpoint !== undefined ? { checkpoint: about.checkpoint } : {}),
    ...(about.epoch !== undefined ? { epoch: about.epoch } : {}),
    ...(about.best ? { best: about.best } : {}),
    ...(about.center ? { center: about.center } : {}),
    backend: about.backend,
  };
  if (options.json) io.stdout.write(`${JSON.stringify(report)}\n`);
  else io.stdout.write(formatEvalReport(report));
  return report;
}

export function formatEvalReport(report: EvalReport): string {
  const correct = report.perClass.reduce((a, c) => a + c.correct, 0);
  const lines = [
    `accuracy ${(report.accuracy * 100).toFixed(2)}% (${correct}/${report.count}), loss ${report.loss.toFixed(4)}`,
    'per class (correct/count):',
    ...report.perClass.map(
      (c) =>
        `  ${String(c.class).padStart(3)} ${(c.name ?? '').padEnd(12)} ${c.correct}/${c.count}` +
        (c.count > 0 ? `  ${((c.correct / c.count) * 100).toFixed(2)}%` : ''),
    ),
    report.center
      ? `center "${report.center.name}" at ${report.center.redis}, shard versions ${report.center.versions.join(', ')}`
      : report.best
        ? `checkpoint: best, ${describeBest(report.best)}`
        : `checkpoint: ${report.checkpoint}, epoch ${report.epoch}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function registerEval(program: Command, context: CliContext): void {
  program
    .command('eval')
    .description(
      "evaluate a run's checkpoint, or a center in Redis, on a dataset split or on raw .npy/.csv features and labels",
    )
    .option('-r, --run <dir>', 'run directory written by `plasticity train`')
    .option(
      '--redis <url>',
      'instead of --run: score the center in this Redis (redis:// or rediss://); reads only',
    )
    .option('--redis-ca <file>', 'PEM file of the CA that signed the Redis server certificate (makes it TLS)')
    .option('--center <name>', 'the center in --redis (default plasticity)')
    .option(
      '-d, --dataset <name>',
      "evaluate on this dataset (with --split); with --redis the center's by default",
    )
    .addOption(
      new Option('--split <name>', 'dataset split').choices(['train', 'validation', 'test']).default('test'),
    )
    .option(
      '--inputs <file>',
      "raw features, one row per sample, as training saw them (dtype, range); the run's preprocessing is applied",
    )
    .option('--labels <file>', 'class labels for --inputs (.npy 1-D or one-column .csv, whole numbers)')
    .option(
      '--input-range <lo..hi>',
      'the range the --inputs values are in (e.g. 0..1 for pixels already divided by 255); mapped onto the range training saw',
      parseInputRange,
    )
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKEND_CHOICES))
    .addOption(
      new Option(
        '--checkpoint <which>',
        "the run's last checkpoint (default), or the best one kept by train --keep-best",
      ).choices(['last', 'best']),
    )
    .option('-b, --batch-size <n>', 'samples per evaluation batch (default 256)', positiveInt)
    .option(
      '--data-dir <dir>',
      'where datasets are read and cached (default $PLASTICITY_DATA_DIR, ~/.cache/plasticity)',
    )
    .option('--no-download', 'fail instead of downloading missing dataset files')
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (_flags: unknown, command: Command) => {
      await runEval(command.optsWithGlobals<EvalOptions>(), context.io);
    });
}
