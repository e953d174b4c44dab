import { join, resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { PlasticityError, atomicWriteFile, fit, getRule, initBackend } from '@plasticity/core-tensors';
import type { BackendName, DataSplit, EpochRecord, EvalResult, Learner } from '@plasticity/core-tensors';
import { listDatasets, loadDataset } from '@plasticity/datasets';
import { readConfigFile } from '../config-file.js';
import type { CliContext, CliIO } from '../io.js';
import { nonNegativeInt, positiveInt, positiveNumber } from '../parse.js';
import { importPlugins, normalizePluginSpecifiers, pluginsForRunDir, pluginsFromRunDir } from '../plugins.js';
import { createProgressReporter } from '../progress.js';
import { renderReport } from '../report/html-report.js';
import type { ReportInput } from '../report/html-report.js';
import {
  RUN_FORMAT,
  appendMetrics,
  newRunId,
  readMetrics,
  readRunConfig,
  runPath,
  writeJson,
  writeMetricsSync,
} from '../run-dir.js';
import type { RunConfig } from '../run-dir.js';
import { resolveTrainConfig } from '../train-config.js';
import { openRunDirectory } from '../run-lifecycle.js';
import type { RunDirectory, RunMode } from '../run-lifecycle.js';
import { collectVersions } from '../versions.js';
import { BACKEND_CHOICES, checkBackendName, datasetOptions } from './shared.js';

export interface TrainOptions {
  readonly rule?: string;
  readonly dataset?: string;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
  readonly config?: string;
  readonly preset?: string;
  readonly dataDir?: string;
  /** Download missing dataset files (default true; `--no-download` sets false). */
  readonly download?: boolean;
  readonly out?: string;
  readonly resume?: boolean;
  readonly overwrite?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** Modules to import first (rule plugins that register themselves). */
  readonly plugin?: readonly string[];
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
const FIXED_ON_RESUME = ['epochs', 'batchSize', 'lr', 'seed', 'config', 'preset', 'overwrite'] as const;

function timestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-` +
    `${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`
  );
}

const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function checkDatasetName(name: string): void {
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
  if (!options.dataset) {
    throw new PlasticityError(
      'E_USAGE',
      `missing --dataset: plasticity train ${options.rule} --dataset <name>`,
    );
  }
  checkDatasetName(options.dataset);
  const file = options.config ? readConfigFile(resolve(io.cwd, options.config)) : undefined;
  const { config, fit: fitSettings } = resolveTrainConfig(plugin, options.dataset, {
    preset: options.preset,
    file,
    flags: options,
  });
  const out = resolve(
    io.cwd,
    options.out ?? join('runs', `${plugin.name}-${options.dataset}-${timestamp(new Date())}`),
  );
  return {
    runConfig: {
      format: RUN_FORMAT,
      runId: newRunId(),
      rule: plugin.name,
      config,
      dataset: options.dataset,
      ...(options.preset ? { preset: options.preset } : {}),
      ...(plugins.length ? { plugins } : {}),
      fit: fitSettings,
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
  const test = result.test
    ? `test accuracy ${(result.test.accuracy * 100).toFixed(2)}% (loss ${result.test.loss.toFixed(4)}, ${result.test.count} samples)`
    : 'no test split';
  return (
    `${test} after ${result.epochs} epochs, ${result.seconds.toFixed(1)}s on ${result.backend}` +
    (result.stoppedEarly ? ' (stopped early)' : '')
  );
}

const INSPECTED_SAMPLES = 3;

/** Rasters and voltage traces of the first test samples, for rules that can show them. */
async function inspectTestSamples(
  learner: Learner,
  split: DataSplit | undefined,
): Promise<ReportInspection | undefined> {
  if (!learner.inspect || !split) return undefined;
  for await (const batch of split.batches({ batchSize: INSPECTED_SAMPLES, shuffle: false })) {
    // Inside the loop: the split disposes the batch when the iterator advances.
    const data = await learner.inspect(batch.x, { samples: INSPECTED_SAMPLES });
    return { data, labels: Array.from(await batch.y.data()) };
  }
  return undefined;
}

type ReportInspection = NonNullable<ReportInput['inspection']>;

async function writeReport(
  out: string,
  runConfig: RunConfig,
  result: TrainResult,
  history: readonly EpochRecord[],
  inspection: ReportInspection | undefined,
) {
  const html = renderReport({
    title: `plasticity: ${runConfig.rule} on ${runConfig.dataset}`,
    summary: {
      ...(result.test ? { 'test accuracy': result.test.accuracy, 'test loss': result.test.loss } : {}),
      ...(result.validation
        ? { 'validation accuracy': result.validation.accuracy, 'validation loss': result.validation.loss }
        : {}),
      epochs: result.epochs,
      ...(result.stoppedEarly ? { 'stopped early': 'yes' } : {}),
      'seconds (last session)': result.seconds,
      backend: `${runConfig.backend.name}${runConfig.backend.detail ? ` (${runConfig.backend.detail})` : ''}`,
    },
    config: {
      rule: runConfig.rule,
      dataset: runConfig.dataset,
      ...(runConfig.preset ? { preset: runConfig.preset } : {}),
      config: runConfig.config,
      fit: runConfig.fit,
      preprocess: runConfig.preprocess,
    },
    history,
    ...(inspection ? { inspection: { ...inspection, classNames: runConfig.classNames } } : {}),
    footer: `${Object.entries(runConfig.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ')} · ${new Date().toISOString()}`,
  });
  await atomicWriteFile(runPath(out, 'report'), html);
}

/**
 * Trains a rule on a dataset and writes the run directory: config.json first (so an
 * interrupted run can be resumed), then per epoch a metrics line and a checkpoint, and at the
 * end result.json and report.html.
 */
export async function runTrain(options: TrainOptions, io: CliIO, signal?: AbortSignal): Promise<TrainResult> {
  const plugins = normalizePluginSpecifiers(options.plugin ?? [], io.cwd);
  await importPlugins(plugins);
  const plan = options.resume ? await planResume(options, io, plugins) : planNewRun(options, io, plugins);
  // Before the slow parts (backend, data): an unusable or busy --out fails at once.
  const runDir = openRunDirectory(plan.out, plan.mode, plan.runConfig.runId ?? newRunId(), io);
  try {
    const result = await trainInRunDirectory(plan, runDir, options, io, signal);
    runDir.close();
    return result;
  } catch (error) {
    runDir.fail();
    throw error;
  }
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
  const fitSettings = plan.runConfig.fit;

  const backend = await initBackend(plan.backend);
  const data = await loadDataset(plan.runConfig.dataset, datasetOptions(options, io, signal));
  const learner = plugin.create(plan.runConfig.config, data.task, fitSettings.seed);
  try {
    const runConfig: RunConfig = {
      ...plan.runConfig,
      ...(plan.runConfig.plugins ? { plugins: pluginsForRunDir(plan.runConfig.plugins, out) } : {}),
      task: data.task,
      preprocess: data.preprocess,
      classNames: data.classNames,
      backend: { requested: plan.backend, name: backend.name, detail: backend.detail },
    };
    await writeJson(runPath(runDir.dir, 'config'), runConfig);

    const reporter = createProgressReporter({
      stream: io.stderr,
      bar: Boolean(io.stderr.isTTY) && !options.json,
      epochLines: !options.quiet,
    });
    const previous = plan.mode === 'resume' ? readMetrics(out) : [];
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
          onEvent(event) {
            // Epochs after the checkpoint (cut off between the two writes) are trained again.
            if (event.type === 'start')
              writeMetricsSync(
                runDir.dir,
                previous.filter((r) => r.epoch <= event.startEpoch),
              );
            if (event.type === 'epoch') appendMetrics(runDir.dir, event, runConfig.runId);
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
      seconds: fitResult.seconds,
      backend: backend.name,
      out,
      ...(runConfig.runId ? { runId: runConfig.runId } : {}),
    };
    await writeJson(runPath(runDir.dir, 'result'), result);
    await writeReport(runDir.dir, runConfig, result, history, await inspectTestSamples(learner, data.test));

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
      '--data-dir <dir>',
      'where datasets are read and cached (default $PLASTICITY_DATA_DIR, ~/.cache/plasticity)',
    )
    .option('--no-download', 'fail instead of downloading missing dataset files')
    .option('-o, --out <dir>', 'run directory (default runs/<rule>-<dataset>-<time>)')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--overwrite', 'replace an earlier run in --out')
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
