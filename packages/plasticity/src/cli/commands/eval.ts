import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Option } from 'commander';
import type { Command } from 'commander';
import {
  PlasticityError,
  disposeCheckpoint,
  evaluate,
  getRule,
  initBackend,
  loadCheckpoint,
  parseConfig,
  restoreParams,
} from '@plasticity/core-tensors';
import type { BackendName, DataSplit, Learner } from '@plasticity/core-tensors';
import { arraySplit, loadDataset, npyLabels, preprocessFeatures, readNpy } from '@plasticity/datasets';
import type { CliContext, CliIO } from '../io.js';
import { positiveInt } from '../parse.js';
import { importPlugins, normalizePluginSpecifiers, pluginsFromRunDir } from '../plugins.js';
import { readRunConfig, runPath } from '../run-dir.js';
import type { RunConfig } from '../run-dir.js';
import { checkRunIdentity } from '../run-identity.js';
import { BACKEND_CHOICES, datasetOptions } from './shared.js';

export interface EvalOptions {
  readonly run: string;
  readonly dataset?: string;
  readonly split?: 'train' | 'validation' | 'test';
  readonly inputs?: string;
  readonly labels?: string;
  readonly backend?: BackendName;
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
  readonly epoch: number;
  readonly backend: string;
}

/** Rebuilds the run's learner through the rule registry and loads the checkpoint's params. */
async function restoreLearner(
  dir: string,
  runConfig: RunConfig,
): Promise<{ learner: Learner; epoch: number }> {
  const plugin = getRule(runConfig.rule);
  const config = parseConfig(plugin, runConfig.config, runPath(dir, 'config'));
  const learner = plugin.create(config, runConfig.task, runConfig.fit.seed);
  try {
    // Params only: inference needs no optimiser state (optimizer.safetensors may be absent).
    const checkpoint = await loadCheckpoint(runPath(dir, 'checkpoint'), { optimizer: false });
    try {
      restoreParams(learner, checkpoint.params, runPath(dir, 'checkpoint'));
      return { learner, epoch: checkpoint.epoch };
    } finally {
      disposeCheckpoint(checkpoint);
    }
  } catch (error) {
    learner.dispose();
    throw error;
  }
}

/** Counts per true class and the confusion matrix, from the learner's argmax predictions. */
async function confusionOf(
  learner: Learner,
  split: DataSplit,
  classes: number,
  batchSize: number,
): Promise<number[][]> {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for await (const batch of split.batches({ batchSize, shuffle: false })) {
    const scores = await learner.predict(batch.x);
    const predicted = tf.argMax(scores, 1);
    scores.dispose();
    const [p, y] = await Promise.all([predicted.data(), batch.y.data()]);
    predicted.dispose();
    for (let i = 0; i < p.length; i++) {
      const label = y[i];
      if (label < 0 || label >= classes) {
        throw new PlasticityError('E_DATA_FORMAT', `label ${label} is outside the run's ${classes} classes`, {
          label,
          classes,
        });
      }
      confusion[label][p[i]] += 1;
    }
  }
  return confusion;
}

async function npySplit(options: EvalOptions, runConfig: RunConfig, io: CliIO): Promise<DataSplit> {
  if (!options.labels) {
    throw new PlasticityError('E_USAGE', '--inputs needs --labels y.npy (class labels, one per row)');
  }
  const inputsPath = resolve(io.cwd, options.inputs as string);
  const labelsPath = resolve(io.cwd, options.labels);
  for (const [flag, path] of [
    ['--inputs', inputsPath],
    ['--labels', labelsPath],
  ]) {
    if (!existsSync(path))
      throw new PlasticityError('E_USAGE', `${flag} ${path}: no such file`, { file: path });
  }
  const [inputs, labelArray] = await Promise.all([readNpy(inputsPath), readNpy(labelsPath)]);
  const labels = npyLabels(labelArray, labelsPath);
  if (inputs.shape[0] !== labels.length) {
    throw new PlasticityError(
      'E_SHAPE',
      `${inputsPath} has ${inputs.shape[0]} rows but ${labelsPath} has ${labels.length} labels`,
      { inputs: inputs.shape, labels: labels.length },
    );
  }
  const outside = labels.findIndex((label) => label >= runConfig.task.outputs);
  if (outside >= 0) {
    throw new PlasticityError(
      'E_DATA_FORMAT',
      `${labelsPath}: label ${labels[outside]} at index ${outside} is not one of the run's ${runConfig.task.outputs} classes (0–${runConfig.task.outputs - 1})`,
      { file: labelsPath, index: outside },
    );
  }
  // The run's preprocessing (normalisation, encoding) applied to raw features, as in training.
  const x = preprocessFeatures(runConfig.preprocess, inputs);
  try {
    const features = (await x.data()) as Float32Array;
    return arraySplit(features, x.shape.slice(1), labels, { shuffle: false });
  } finally {
    x.dispose();
  }
}

/** Evaluates a run's checkpoint on a dataset split or on raw `.npy` features and labels. */
export async function runEval(options: EvalOptions, io: CliIO): Promise<EvalReport> {
  if (Boolean(options.dataset) === Boolean(options.inputs)) {
    throw new PlasticityError(
      'E_USAGE',
      'eval needs exactly one of --dataset NAME or --inputs x.npy --labels y.npy',
    );
  }
  const dir = resolve(io.cwd, options.run);
  const runConfig = readRunConfig(dir);
  checkRunIdentity(dir, runConfig);
  await importPlugins([
    ...pluginsFromRunDir(runConfig.plugins ?? [], dir),
    ...normalizePluginSpecifiers(options.plugin ?? [], io.cwd),
  ]);
  const backend = await initBackend(options.backend ?? 'auto');
  const batchSize = options.batchSize ?? 256;
  const classes = runConfig.task.outputs;

  const { learner, epoch } = await restoreLearner(dir, runConfig);
  try {
    let source: EvalReport['source'];
    let data: DataSplit;
    if (options.dataset) {
      const split = options.split ?? 'test';
      const loaded = await loadDataset(options.dataset, datasetOptions(options, io));
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
      data = await npySplit(options, runConfig, io);
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
      run: dir,
      rule: runConfig.rule,
      source,
      accuracy: metrics.accuracy,
      loss: metrics.loss,
      count: metrics.count,
      perClass,
      confusion,
      epoch,
      backend: backend.name,
    };
    if (options.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else io.stdout.write(formatEvalReport(report));
    return report;
  } finally {
    learner.dispose();
  }
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
  ];
  return `${lines.join('\n')}\n`;
}

export function registerEval(program: Command, context: CliContext): void {
  program
    .command('eval')
    .description("evaluate a run's checkpoint on a dataset split or on raw .npy features and labels")
    .requiredOption('-r, --run <dir>', 'run directory written by `plasticity train`')
    .option('-d, --dataset <name>', 'evaluate on this dataset (with --split)')
    .addOption(
      new Option('--split <name>', 'dataset split').choices(['train', 'validation', 'test']).default('test'),
    )
    .option('--inputs <x.npy>', "raw features, one row per sample; the run's preprocessing is applied")
    .option('--labels <y.npy>', 'class labels for --inputs (1-D, whole numbers)')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKEND_CHOICES))
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
