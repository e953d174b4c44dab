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
import type { CliContext, CliIO } from '../io.js';
import { describeBest } from '../keep-best.js';
import { positiveInt } from '../parse.js';
import { importPlugins, normalizePluginSpecifiers, pluginsFromRunDir } from '../plugins.js';
import { confusionOf } from '../confusion.js';
import { readRunConfig, runPath } from '../run-dir.js';
import type { RunConfig } from '../run-dir.js';
import { checkRunIdentity } from '../run-identity.js';
import { inputsSplit, loadEvalData, parseInputRange } from '../user-data.js';
import { BACKEND_CHOICES } from './shared.js';

export interface EvalOptions {
  readonly run: string;
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
  /** Which checkpoint was evaluated, and the epoch it was saved after. */
  readonly checkpoint: 'last' | 'best';
  readonly epoch: number;
  /** For `--checkpoint best`: the metric that made that epoch the best. */
  readonly best?: BestRecord;
  readonly backend: string;
}

/** Rebuilds the run's learner through the rule registry and loads the checkpoint's params. */
async function restoreLearner(
  dir: string,
  runConfig: RunConfig,
  which: 'last' | 'best',
): Promise<{ learner: Learner; epoch: number; best?: BestRecord }> {
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
      return { learner, epoch: checkpoint.epoch, ...(checkpoint.best ? { best: checkpoint.best } : {}) };
    } finally {
      disposeCheckpoint(checkpoint);
    }
  } catch (error) {
    learner.dispose();
    throw error;
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
  if (options.inputRange !== undefined && !options.inputs) {
    throw new PlasticityError(
      'E_USAGE',
      '--input-range applies to --inputs files; datasets are read as training read them',
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

  const which = options.checkpoint ?? 'last';
  const { learner, epoch, best } = await restoreLearner(dir, runConfig, which);
  try {
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
      run: dir,
      rule: runConfig.rule,
      source,
      accuracy: metrics.accuracy,
      loss: metrics.loss,
      count: metrics.count,
      perClass,
      confusion,
      checkpoint: which,
      epoch,
      ...(best ? { best } : {}),
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
    report.best
      ? `checkpoint: best, ${describeBest(report.best)}`
      : `checkpoint: ${report.checkpoint}, epoch ${report.epoch}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function registerEval(program: Command, context: CliContext): void {
  program
    .command('eval')
    .description("evaluate a run's checkpoint on a dataset split or on raw .npy/.csv features and labels")
    .requiredOption('-r, --run <dir>', 'run directory written by `plasticity train`')
    .option('-d, --dataset <name>', 'evaluate on this dataset (with --split)')
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
        "the run's last checkpoint, or the best one kept by train --keep-best",
      )
        .choices(['last', 'best'])
        .default('last'),
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
