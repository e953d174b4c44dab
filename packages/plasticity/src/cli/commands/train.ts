import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { PlasticityError, fit, getRule, initBackend, parseConfig } from '@plasticity/core-tensors';
import { EASGD_METHODS, createThreadedLearner, parseEasgdConfig } from '@plasticity/optimizers-easgd';
import type { EasgdConfig, EasgdMethod as ParallelMethod } from '@plasticity/optimizers-easgd';
import type { BackendName, EvalResult, FitSettings, RulePlugin, TaskSpec } from '@plasticity/core-tensors';
import { USER_FILES_DATASET, listDatasets } from '@plasticity/datasets';
import { readConfigFile } from '../config-file.js';
import type { CliContext, CliIO } from '../io.js';
import { describeBest, keepBestFlag, keptBest, withKeepBest } from '../keep-best.js';
import type { KeepBestFlag, KeptBest } from '../keep-best.js';
import { flagName, nonNegativeInt, positiveInt, positiveNumber, threadsOrAuto } from '../parse.js';
import { importPlugins, normalizePluginSpecifiers, pluginsForRunDir, pluginsFromRunDir } from '../plugins.js';
import { createProgressReporter } from '../progress.js';
import { finalConfusion, inspectTestSamples, writeReport } from '../report/run-report.js';
import { createMetricsCsv } from '../report/metrics-csv.js';
import { createStepLog } from '../report/step-log.js';
import {
  RUN_FORMAT,
  appendMetrics,
  newRunId,
  readMetrics,
  readRunConfig,
  runPath,
  timestamp,
  writeJson,
  writeMetricsSync,
} from '../run-dir.js';
import type { RunConfig } from '../run-dir.js';
import { resolveTrainConfig } from '../train-config.js';
import { openRunDirectory, openUnusedRunDirectory } from '../run-lifecycle.js';
import type { RunDirectory, RunMode } from '../run-lifecycle.js';
import { collectVersions } from '../versions.js';
import { datasetOf, loadRunData } from '../user-data.js';
import { checkBatchMemory } from '../batch-memory.js';
import type { UserDataFlags } from '../user-data.js';
import { BACKEND_CHOICES, checkBackendName } from './shared.js';

/** The script each `--parallel` training thread runs (the built one: threads cannot run TypeScript). */
export function trainingThreadScript(): URL {
  const built = new URL('../../parallel/training-thread.js', import.meta.url);
  // Under the test runner this module runs from src/; the package's build is beside it.
  return existsSync(built) ? built : new URL('../../../dist/parallel/training-thread.js', import.meta.url);
}

export interface TrainOptions extends UserDataFlags {
  readonly rule?: string;
  readonly dataset?: string;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly config?: string;
  readonly preset?: string;
  /** `--set key=value` overrides of single settings, in order (see set-option.ts). */
  readonly set?: readonly string[];
  readonly dataDir?: string;
  /** Download missing dataset files (default true; `--no-download` sets false). */
  readonly download?: boolean;
  readonly out?: string;
  readonly resume?: boolean;
  readonly overwrite?: boolean;
  /** Also keep the best epoch's checkpoint (`true`: validation accuracy, else test accuracy). */
  readonly keepBest?: KeepBestFlag;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** Modules to import first (rule plugins that register themselves). */
  readonly plugin?: readonly string[];
  /** Data-parallel training on worker threads: the method, the number of workers and τ. */
  readonly parallel?: ParallelMethod;
  readonly workers?: number;
  readonly tau?: number;
  /** Synchronous EASGD rounds (repeatable runs) instead of each worker's own clock. */
  readonly synchronous?: boolean;
  /** Threads of the wasm backend (default: by the network's size, see `wasmThreadsFor`). */
  readonly wasmThreads?: number | 'auto';
}

/** What `train --json` prints and `result.json` holds. */
export interface TrainResult {
  readonly rule: string;
  readonly dataset: string;
  readonly preset?: string;
  /** Test split after the last epoch. */
  readonly test?: EvalResult;
  readonly validation?: EvalResult;
  /** Epochs completed in the whole run (a resumed run counts the earlier ones too). */
  readonly epochs: number;
  readonly stoppedEarly: boolean;
  /** With --keep-best: the best epoch, whose checkpoint is in `dir`. */
  readonly best?: KeptBest;
  /** Seconds this invocation trained for. */
  readonly seconds: number;
  readonly backend: string;
  readonly out: string;
  /** The run's id, as in every file of its run directory (runs from before run ids have none). */
  readonly runId?: string;
}

/**
 * A run to start or continue; `task`, `preprocess` and `backend` are added once known.
 * `plugins` are absolute here; config.json stores them relative to the run directory.
 */
interface Plan {
  readonly runConfig: Omit<RunConfig, 'task' | 'preprocess' | 'classNames' | 'backend'>;
  readonly backend: BackendName;
  readonly out: string;
  readonly mode: RunMode;
}

/** Flags that would change what a resumed run computes. */
const FIXED_ON_RESUME = [
  'epochs',
  'batchSize',
  'lr',
  'seed',
  'config',
  'set',
  'preset',
  'overwrite',
  'keepBest',
  'parallel',
  'workers',
  'tau',
] as const;

/** The EASGD settings from `--parallel`, `--workers` and `--tau`, or undefined without `--parallel`. */
function parallelSettings(options: TrainOptions, io: CliIO): EasgdConfig | undefined {
  if (options.parallel === undefined) {
    const stray = (['workers', 'tau', 'synchronous'] as const).filter((key) => options[key] !== undefined);
    if (stray.length > 0) {
      throw new PlasticityError(
        'E_USAGE',
        `${stray.map(flagName).join(' and ')} only apply with --parallel easgd|eamsgd|downpour`,
      );
    }
    return undefined;
  }
  const { config, warnings } = parseEasgdConfig(
    {
      method: options.parallel,
      workers: options.workers ?? 2,
      tau: options.tau ?? 4,
      ...(options.synchronous ? { synchronous: true } : {}),
    },
    'train --parallel',
  );
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  return config;
}

/**
 * EAMSGD is EASGD around workers whose own optimiser is Nesterov momentum δ: the rule's config
 * gets `optimizer: 'momentum'`, `nesterov: true`, `momentum: δ`. Rules without an optimiser
 * setting (BTSP) are refused.
 */
export const hasOptimizer = (config: unknown): boolean =>
  typeof config === 'object' && config !== null && 'optimizer' in config;

export function withNesterov(plugin: RulePlugin<unknown>, config: unknown, parallel: EasgdConfig): unknown {
  if (!hasOptimizer(config)) {
    throw new PlasticityError(
      'E_USAGE',
      `--parallel eamsgd needs a rule that takes a gradient optimiser; ${plugin.name} has none (use --parallel easgd)`,
    );
  }
  return parseConfig(plugin, {
    ...(config as object),
    optimizer: 'momentum',
    nesterov: true,
    momentum: parallel.delta,
  });
}

export function checkDatasetName(name: string): void {
  const known = listDatasets().map((d) => d.name);
  if (!known.includes(name)) {
    throw new PlasticityError('E_UNKNOWN_DATASET', `unknown dataset '${name}'; known: ${known.join(', ')}`, {
      name,
      known,
    });
  }
}

function planNewRun(options: TrainOptions, io: CliIO, plugins: readonly string[]): Plan {
  if (!options.rule)
    throw new PlasticityError('E_USAGE', 'missing rule: plasticity train <rule> --dataset <name>');
  const plugin = getRule(options.rule);
  const dataset = datasetOf(options);
  if (!dataset) {
    throw new PlasticityError(
      'E_USAGE',
      `missing --dataset: plasticity train ${options.rule} --dataset <name> (or --train x.npy --train-labels y.npy)`,
    );
  }
  if (dataset !== USER_FILES_DATASET) checkDatasetName(dataset);
  const file = options.config ? readConfigFile(resolve(io.cwd, options.config)) : undefined;
  const resolved = resolveTrainConfig(plugin, dataset, {
    preset: options.preset,
    file,
    set: options.set,
    flags: options,
  });
  const { fit: fitSettings } = resolved;
  const out = resolve(
    io.cwd,
    options.out ?? join('runs', `${plugin.name}-${dataset}-${timestamp(new Date())}`),
  );
  const parallel = parallelSettings(options, io);
  const config =
    parallel?.method === 'eamsgd' ? withNesterov(plugin, resolved.config, parallel) : resolved.config;
  return {
    runConfig: {
      format: RUN_FORMAT,
      runId: newRunId(),
      rule: plugin.name,
      config,
      dataset,
      ...(options.preset ? { preset: options.preset } : {}),
      ...(plugins.length ? { plugins } : {}),
      fit: fitSettings,
      ...(parallel ? { parallel } : {}),
      versions: collectVersions(plugin),
      createdAt: new Date().toISOString(),
    },
    backend: options.backend ?? checkBackendName(file?.backend, file?.path) ?? 'auto',
    out,
    mode: options.overwrite ? 'overwrite' : 'new',
  };
}

async function planResume(options: TrainOptions, io: CliIO, plugins: readonly string[]): Promise<Plan> {
  if (!options.out)
    throw new PlasticityError('E_USAGE', '--resume needs --out DIR: the run directory to continue');
  const out = resolve(io.cwd, options.out);
  const previous = readRunConfig(out);
  for (const key of ['rule', 'dataset'] as const) {
    const value = options[key];
    if (value !== undefined && value !== previous[key]) {
      throw new PlasticityError(
        'E_USAGE',
        `${out} holds a ${previous.rule} run on ${previous.dataset}; it cannot be resumed as ${key} "${value}"`,
      );
    }
  }
  const changed = FIXED_ON_RESUME.filter((key) => options[key] !== undefined && options[key] !== false);
  if (changed.length > 0) {
    throw new PlasticityError(
      'E_USAGE',
      `--resume continues ${out} with the settings in its config.json; drop ${changed.map(flagName).join(', ')} ` +
        '(to change them, start a new run with --config pointing at that config.json)',
    );
  }
  const previousPlugins = pluginsFromRunDir(previous.plugins ?? [], out);
  await importPlugins(previousPlugins);
  const rule = getRule(previous.rule); // a clear E_UNKNOWN_RULE before the slow parts
  const { task: _task, preprocess: _preprocess, classNames: _classNames, backend, ...rest } = previous;
  const allPlugins = [...new Set([...previousPlugins, ...plugins])];
  return {
    runConfig: {
      ...rest,
      ...(allPlugins.length ? { plugins: allPlugins } : {}),
      versions: collectVersions(rule),
    },
    backend: options.backend ?? checkBackendName(backend.requested, runPath(out, 'config')) ?? 'auto',
    out,
    mode: 'resume',
  };
}

function summaryLine(result: TrainResult): string {
  const test = !result.test
    ? 'no test split'
    : Number.isNaN(result.test.accuracy)
      ? `test mean squared error ${result.test.loss.toFixed(4)} (${result.test.count} samples)`
      : `test accuracy ${(result.test.accuracy * 100).toFixed(2)}% (loss ${result.test.loss.toFixed(4)}, ${result.test.count} samples)`;
  return (
    `${test} after ${result.epochs} epochs, ${result.seconds.toFixed(1)}s on ${result.backend}` +
    (result.stoppedEarly ? ' (stopped early)' : '') +
    (result.best ? `\nbest ${describeBest(result.best)}, kept in ${result.best.dir}` : '')
  );
}

/**
 * Trains a rule on a dataset and writes the run directory: config.json first (so an
 * interrupted run can be resumed), then per epoch a metrics line and a checkpoint, and at the
 * end result.json and report.html.
 */
export async function runTrain(options: TrainOptions, io: CliIO, signal?: AbortSignal): Promise<TrainResult> {
  const plugins = normalizePluginSpecifiers(options.plugin ?? [], io.cwd);
  await importPlugins(plugins);
  const planned = options.resume ? await planResume(options, io, plugins) : planNewRun(options, io, plugins);
  // Before the slow parts (backend, data): an unusable or busy --out fails at once.
  const runId = planned.runConfig.runId ?? newRunId();
  const { out, runDir } =
    options.out === undefined && planned.mode === 'new'
      ? openUnusedRunDirectory(planned.out, runId, io)
      : { out: planned.out, runDir: openRunDirectory(planned.out, planned.mode, runId, io) };
  const plan = { ...planned, out };
  try {
    const result = await trainInRunDirectory(plan, runDir, options, io, signal);
    runDir.close();
    return result;
  } catch (error) {
    runDir.fail();
    throw error;
  }
}

/**
 * Multiply-adds per training step from which the wasm backend's threads pay (measured on two
 * cores: 784-800-800-10 at batch 256, 3.3e8, trains 1.36× faster on two threads; 784-256-10 at
 * batch 64, 1.3e7, 8 % slower; 4-120-3 at batch 32, three times slower).
 */
export const WASM_THREADS_PAY_FROM = 5e7;

/** A rule config that trains on threads of its own (`threads` other than 1), each with its own heap. */
function runsOwnThreads(config: unknown): boolean {
  const threads = (config as { threads?: unknown }).threads;
  return threads !== undefined && threads !== 1;
}

/**
 * The wasm threads of a run: `--wasm-threads`; else one with `--parallel` (this thread trains a
 * worker beside the others' threads) or a rule that runs its own threads; else
 * `$PLASTICITY_WASM_THREADS`; else one per core when the network's parameters times the batch
 * size reach `WASM_THREADS_PAY_FROM` (the network is built once on the cpu backend, which is
 * active then, to count them), one otherwise.
 */
async function wasmThreadsFor(
  plan: Plan,
  options: TrainOptions,
  plugin: RulePlugin<unknown>,
  task: TaskSpec,
  fit: FitSettings,
): Promise<number | 'auto' | undefined> {
  if (options.wasmThreads !== undefined) return options.wasmThreads;
  if (plan.runConfig.parallel || runsOwnThreads(plan.runConfig.config)) return 1;
  if (process.env.PLASTICITY_WASM_THREADS !== undefined) return undefined;
  if (plan.backend !== 'wasm' && plan.backend !== 'auto') return 1;
  const sizing = plugin.create(plan.runConfig.config, task, fit.seed);
  const params = Object.values(sizing.params).reduce((n, v) => n + v.size, 0);
  sizing.dispose();
  return params * fit.batchSize >= WASM_THREADS_PAY_FROM ? 'auto' : 1;
}

async function trainInRunDirectory(
  plan: Plan,
  runDir: RunDirectory,
  options: TrainOptions,
  io: CliIO,
  signal: AbortSignal | undefined,
): Promise<TrainResult> {
  const { out } = plan;
  const plugin = getRule(plan.runConfig.rule);

  // The training backend starts once the network's size is known (it sets the wasm threads);
  // until then anything tfjs does runs on the cpu backend.
  await initBackend('cpu');
  const data = await loadRunData(plan.runConfig, plan.mode === 'resume', options, io, signal);
  const fitSettings = withKeepBest(plan.runConfig.fit, options.keepBest, data, plan.runConfig.dataset);
  const wasmThreads = await wasmThreadsFor(plan, options, plugin, data.task, fitSettings);
  const backend = await initBackend(plan.backend, wasmThreads === undefined ? {} : { wasmThreads });
  if (!plan.runConfig.parallel && !runsOwnThreads(plan.runConfig.config)) {
    await checkBatchMemory({
      create: () => plugin.create(plan.runConfig.config, data.task, fitSettings.seed),
      train: data.train,
      batchSize: fitSettings.batchSize,
    });
  }
  const local = plugin.create(plan.runConfig.config, data.task, fitSettings.seed);
  const learner = plan.runConfig.parallel
    ? await createThreadedLearner({
        center: local,
        script: trainingThreadScript(),
        rule: plugin.name,
        config: plan.runConfig.config,
        task: data.task,
        seed: fitSettings.seed,
        easgd: plan.runConfig.parallel,
        modules: plan.runConfig.plugins ?? [],
        // One worker trains on this thread: N workers take N cores, not N + 1 busy threads.
        localLearner: plugin.create(plan.runConfig.config, data.task, fitSettings.seed),
        // A rule with an optimiser setting takes gradient steps: the author's exchange order.
        // Rules with their own update (BTSP) exchange between local steps.
        order: hasOptimizer(plan.runConfig.config) ? 'author' : 'after-step',
      })
    : local;
  try {
    const runConfig: RunConfig = {
      ...plan.runConfig,
      fit: fitSettings,
      ...(plan.runConfig.plugins ? { plugins: pluginsForRunDir(plan.runConfig.plugins, out) } : {}),
      task: data.task,
      preprocess: data.preprocess,
      classNames: data.classNames,
      ...(data.files ? { files: data.files } : {}),
      backend: { requested: plan.backend, name: backend.name, detail: backend.detail },
    };
    await writeJson(runPath(runDir.dir, 'config'), runConfig);

    const reporter = createProgressReporter({
      stream: io.stderr,
      bar: Boolean(io.stderr.isTTY) && !options.json,
      epochLines: !options.quiet,
    });
    const previous = plan.mode === 'resume' ? readMetrics(out) : [];
    const stepLog = createStepLog(() => runPath(runDir.dir, 'steps'));
    const metricsCsv = createMetricsCsv(() => runPath(runDir.dir, 'metricsCsv'), previous);
    let fitResult;
    try {
      fitResult = await fit(
        learner,
        { train: data.train, test: data.test, validation: data.validation },
        {
          ...fitSettings,
          signal,
          resume: plan.mode === 'resume',
          checkpoint: {
            // Read at every save: a replacement run moves into `out` after its first checkpoint.
            get dir() {
              return runPath(runDir.dir, 'checkpoint');
            },
            config: runConfig,
            metadata: { runId: runConfig.runId },
          },
          async onEvent(event) {
            // Epochs after the checkpoint (cut off between the two writes) are trained again.
            if (event.type === 'start')
              writeMetricsSync(
                runDir.dir,
                previous.filter((r) => r.epoch <= event.startEpoch),
              );
            if (event.type === 'epoch') appendMetrics(runDir.dir, event, runConfig.runId);
            stepLog.onEvent(event);
            await metricsCsv.onEvent(event);
            runDir.onFitEvent(event);
            reporter.onEvent(event);
          },
        },
      );
    } catch (error) {
      if (signal?.aborted) io.stderr.write(runDir.stoppedMessage());
      throw error;
    } finally {
      reporter.stop();
    }

    const { history } = fitResult;
    const last = history[history.length - 1];
    const result: TrainResult = {
      rule: runConfig.rule,
      dataset: runConfig.dataset,
      ...(runConfig.preset ? { preset: runConfig.preset } : {}),
      ...(last?.test ? { test: last.test } : {}),
      ...(last?.validation ? { validation: last.validation } : {}),
      epochs: last?.epoch ?? 0,
      stoppedEarly: fitResult.stoppedEarly,
      ...keptBest(fitResult, runPath(out, 'checkpoint')),
      seconds: fitResult.seconds,
      backend: backend.name,
      out,
      ...(runConfig.runId ? { runId: runConfig.runId } : {}),
    };
    await writeJson(runPath(runDir.dir, 'result'), result);
    await writeReport(
      runDir.dir,
      runConfig,
      result,
      history,
      await inspectTestSamples(learner, data.test),
      await finalConfusion(learner, data, fitSettings.batchSize),
    );

    if (options.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else io.stdout.write(`${summaryLine(result)}\nrun saved in ${out} (report: ${runPath(out, 'report')})\n`);
    return result;
  } finally {
    learner.dispose();
  }
}

export function registerTrain(program: Command, context: CliContext): void {
  program
    .command('train')
    .description('train a rule on a dataset; writes a run directory (config, checkpoint, metrics, report)')
    .argument('[rule]', 'rule to train (see `plasticity info`)')
    .option('-d, --dataset <name>', 'dataset to train on (see `plasticity info`)')
    .option('-e, --epochs <n>', 'epochs to train', positiveInt)
    .option('-b, --batch-size <n>', 'samples per batch', positiveInt)
    .option('--lr <x>', 'learning rate (where the schedule starts)', positiveNumber)
    .option('--seed <n>', 'seed for initialisation and shuffling', nonNegativeInt)
    .addOption(new Option('--backend <name>', 'tfjs backend (default auto)').choices(BACKEND_CHOICES))
    .option('-c, --config <file>', 'JSON settings: {"config": {rule settings}, "fit": {trainer settings}}')
    .option('--preset <name>', "one of the rule's named recipes for this dataset")
    .option(
      '--set <key=value>',
      'override one setting (repeatable): rule settings by dotted key (hidden=[100], encoder.span=20), trainer settings under fit. (fit.epochs=3)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--data-dir <dir>',
      'where datasets are read and cached (default $PLASTICITY_DATA_DIR, ~/.cache/plasticity)',
    )
    .option('--no-download', 'fail instead of downloading missing dataset files')
    .option(
      '--train <file>',
      'train on your own features (.npy or .csv, one row per sample) instead of --dataset',
    )
    .option('--train-labels <file>', 'class labels for --train: whole numbers 0 … classes − 1')
    .option('--validation <file>', 'your own validation features (with --validation-labels)')
    .option('--validation-labels <file>', 'class labels for --validation')
    .option('--test <file>', 'your own test features (with --test-labels)')
    .option('--test-labels <file>', 'class labels for --test')
    .option('--classes <n>', 'number of classes (default: largest --train-labels label + 1)', positiveInt)
    .option('-o, --out <dir>', 'run directory (default runs/<rule>-<dataset>-<time>)')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--overwrite', 'replace an earlier run in --out')
    .option(
      '--keep-best [metric]',
      "also keep the best epoch's checkpoint in <out>/checkpoint/best, by validation.accuracy (default; " +
        'test.accuracy without a validation split), validation.loss, test.accuracy or test.loss',
      keepBestFlag,
    )
    .addOption(
      new Option(
        '--parallel <method>',
        'data-parallel training on worker threads around a shared center (elastic averaging; downpour is the baseline)',
      ).choices(EASGD_METHODS),
    )
    .option('--workers <n>', 'training threads for --parallel (default 2)', positiveInt)
    .option(
      '--tau <n>',
      'local steps between exchanges with the center, for --parallel (default 4)',
      positiveInt,
    )
    .option(
      '--wasm-threads <n>',
      'threads of the wasm backend, or auto for one per core (default: one per core for networks large enough to gain)',
      threadsOrAuto,
    )
    .option(
      '--synchronous',
      'for --parallel easgd|eamsgd: all workers exchange together every tau steps each (a repeatable run)',
    )
    .option('--json', 'print the final metrics as one JSON object on stdout (no progress bar)')
    .option('-q, --quiet', 'no per-epoch lines on stderr')
    .action(async (rule: string | undefined, _flags: unknown, command: Command) => {
      await runTrain(
        { ...command.optsWithGlobals<Omit<TrainOptions, 'rule'>>(), rule },
        context.io,
        context.signal,
      );
    });
}
