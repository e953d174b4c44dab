import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import {
  PlasticityError,
  evaluate,
  getRule,
  initBackend,
  isPlasticityError,
  saveCheckpoint,
} from '@plasticity/core-tensors';
import type { BackendName, EvalResult, Learner, TaskSpec } from '@plasticity/core-tensors';
import { importNirGraph, resolveLayers } from '@plasticity/neurons';
import type { ImportedNetwork, LayerSpec } from '@plasticity/neurons';
import { readNirFile } from '@plasticity/neurons/node';
import type { CliContext, CliIO } from '../io.js';
import { collect } from '../plugins.js';
import { positiveInt, positiveNumber } from '../parse.js';
import { finalConfusion, inspectTestSamples, writeReport } from '../report/run-report.js';
import { RUN_FORMAT, newRunId, runPath, writeJson } from '../run-dir.js';
import type { RunConfig } from '../run-dir.js';
import { openRunDirectory } from '../run-lifecycle.js';
import { resolveTrainConfig } from '../train-config.js';
import { loadRunData } from '../user-data.js';
import type { RunData } from '../user-data.js';
import { collectVersions } from '../versions.js';
import { BACKEND_CHOICES } from './shared.js';
import { checkDatasetName } from './train.js';
import type { TrainResult } from './train.js';

// `plasticity import net.nir --dt 1 --dataset NAME --out DIR`: a NIR graph as a bptt `layers` run
// (config.json, a checkpoint of epoch 0, result.json and report.html with the test split scored),
// which `eval` and `export` open like a trained run.

export interface ImportOptions {
  readonly dt?: number;
  readonly dataset?: string;
  readonly out?: string;
  /** How LIF and IF nodes reset (NIR: to 0). */
  readonly reset?: 'zero' | 'subtract';
  /** `--set key=value` overrides of the bptt settings (encoder, duration, loss, ...). */
  readonly set?: readonly string[];
  readonly overwrite?: boolean;
  readonly batchSize?: number;
  readonly dataDir?: string;
  readonly download?: boolean;
  readonly backend?: BackendName;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/** What `import --json` prints. */
export interface ImportResult {
  readonly nir: string;
  readonly out: string;
  readonly rule: 'bptt';
  readonly dataset: string;
  readonly dt: number;
  /** The run's layers, `type` each, with the NIR node each came from. */
  readonly layers: readonly { readonly type: string; readonly node: string }[];
  /** What the run does differently from the graph, one line each. */
  readonly warnings: readonly string[];
  /** The test split scored with the imported weights. */
  readonly test?: EvalResult;
  readonly runId: string;
}

/** The bptt settings the graph fixes: its layers and step, NIR images as `chw` frames, a loss its readout can take. */
function graphSettings(imported: ImportedNetwork, dt: number): Record<string, unknown> {
  const { layers, inputShape } = imported;
  const [height, width, channels] = inputShape;
  const spikingReadout = layers[layers.length - 1].type !== 'li';
  return {
    layers,
    dt,
    ...(inputShape.length === 3 ? { frame: { height, width, channels, layout: 'chw' } } : {}),
    // A spiking readout is read by its spike counts, an li readout (the recipes' loss) by its voltage.
    ...(spikingReadout ? { loss: 'spike-count-ce' } : {}),
  };
}

const shapeError = (nir: string, dataset: string, message: string, details: Record<string, unknown>) =>
  new PlasticityError('E_SHAPE', `${nir} does not fit dataset ${dataset}: ${message}`, details);

/** Checks the graph's output against the task's classes (before a learner is built). */
function checkOutputs(imported: ImportedNetwork, task: TaskSpec, nir: string, dataset: string): void {
  const resolved = resolveLayers(imported.layers as LayerSpec[], imported.inputShape);
  const outShape = resolved[resolved.length - 1].outShape;
  if (outShape.length !== 1 || outShape[0] !== task.outputs) {
    throw shapeError(
      nir,
      dataset,
      `the graph gives [${outShape}] outputs, the dataset has ${task.outputs} classes`,
      {
        outputs: outShape,
        classes: task.outputs,
      },
    );
  }
}

/** The bptt learner for the graph's settings on the dataset, with the graph's weights. */
function importedLearner(
  imported: ImportedNetwork,
  config: unknown,
  task: TaskSpec,
  seed: number,
  nir: string,
  dataset: string,
): Learner {
  const plugin = getRule('bptt');
  let learner: Learner;
  try {
    learner = plugin.create(config, task, seed);
  } catch (error) {
    // bptt checks the frame against the dataset's channels: that is the graph's input shape.
    if (isPlasticityError(error) && error.details?.field === 'frame') {
      throw shapeError(nir, dataset, error.message, { field: 'frame' });
    }
    throw error;
  }
  try {
    const chain = plugin.layerChain!(learner, config, task)!;
    const ours = chain.inputShape.join(',');
    if (ours !== imported.inputShape.join(',')) {
      throw shapeError(
        nir,
        dataset,
        `the graph takes inputs of shape [${imported.inputShape}], the dataset gives [${chain.inputShape}] per step`,
        { input: imported.inputShape, dataset: chain.inputShape },
      );
    }
    for (const [name, variable] of Object.entries(learner.params)) {
      const weights = imported.weights[name];
      if (weights === undefined) throw new Error(`import: no weights for ${name}`);
      variable.assign(weights);
    }
    return learner;
  } catch (error) {
    learner.dispose();
    throw error;
  }
}

/**
 * Writes the run's files into `dir`: config.json, the weights as the checkpoint of epoch 0, and
 * the test split scored into result.json and report.html. Returns the test score.
 */
async function writeImportedRun(
  dir: string,
  learner: Learner,
  runConfig: RunConfig & { readonly runId: string },
  data: RunData,
  out: string,
): Promise<EvalResult | undefined> {
  const { batchSize } = runConfig.fit;
  await writeJson(runPath(dir, 'config'), runConfig);
  await saveCheckpoint(runPath(dir, 'checkpoint'), {
    learner,
    config: runConfig,
    metadata: { runId: runConfig.runId },
    epoch: 0,
  });
  const started = performance.now();
  const test = data.test ? await evaluate(learner, data.test, { batchSize }) : undefined;
  const result: TrainResult = {
    rule: runConfig.rule,
    dataset: runConfig.dataset,
    ...(test ? { test } : {}),
    epochs: 0,
    stoppedEarly: false,
    seconds: (performance.now() - started) / 1000,
    backend: runConfig.backend.name,
    out,
    runId: runConfig.runId,
  };
  await writeJson(runPath(dir, 'result'), result);
  await writeReport(
    dir,
    runConfig,
    result,
    [],
    await inspectTestSamples(learner, data.test),
    await finalConfusion(learner, data, batchSize),
  );
  return test;
}

function printImport(report: ImportResult, options: ImportOptions, io: CliIO): void {
  if (options.json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  if (!options.quiet) for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
  const { test } = report;
  const scored = test
    ? `test accuracy ${(test.accuracy * 100).toFixed(2)}% (${test.count} samples)`
    : 'no test split';
  io.stdout.write(
    `imported ${report.nir} as a bptt run at dt ${report.dt} ms: ${report.layers.map((l) => l.type).join(', ')}; ${scored}\n` +
      `run saved in ${report.out} (report: ${runPath(report.out, 'report')})\n`,
  );
}

/** Reads a NIR graph and writes it as a bptt run directory scored on the dataset's test split. */
export async function runImport(
  file: string | undefined,
  options: ImportOptions,
  io: CliIO,
): Promise<ImportResult> {
  if (file === undefined)
    throw new PlasticityError('E_USAGE', 'import needs a NIR file: plasticity import FILE');
  if (options.dt === undefined) {
    throw new PlasticityError(
      'E_USAGE',
      'import needs --dt MS: NIR graphs are continuous-time, and the run steps at the dt you give',
    );
  }
  const { dt, dataset } = options;
  if (dataset === undefined) {
    throw new PlasticityError(
      'E_USAGE',
      'import needs --dataset NAME: the data the run is scored on (its inputs and classes must fit the graph)',
    );
  }
  checkDatasetName(dataset);
  const nir = resolve(io.cwd, file);
  const document = await readNirFile(nir);
  const plugin = getRule('bptt');
  // As train: the data loads on the cpu backend, the requested one starts after.
  await initBackend('cpu');
  const imported = importNirGraph(document.graph, { dt, reset: options.reset });
  try {
    const { config, fit } = resolveTrainConfig(plugin, dataset, {
      file: { path: nir, config: graphSettings(imported, dt), fit: {} },
      set: options.set,
      flags: options,
    });
    const runId = newRunId();
    const out = resolve(io.cwd, options.out ?? `runs/bptt-${dataset}-imported`);
    // Before the slow parts: an unusable or busy --out fails at once.
    const runDir = openRunDirectory(out, options.overwrite ? 'overwrite' : 'new', runId, io);
    let learner: Learner | undefined;
    let test: EvalResult | undefined;
    try {
      const data = await loadRunData({ dataset }, false, options, io);
      checkOutputs(imported, data.task, nir, dataset);
      const backend = await initBackend(options.backend ?? 'auto');
      learner = importedLearner(imported, config, data.task, fit.seed, nir, dataset);
      const runConfig: RunConfig & { readonly runId: string } = {
        format: RUN_FORMAT,
        runId,
        rule: plugin.name,
        config,
        dataset,
        task: data.task,
        preprocess: data.preprocess,
        classNames: data.classNames,
        fit,
        imported: { nir, dt, reset: options.reset ?? 'zero', warnings: imported.warnings },
        backend: { requested: options.backend ?? 'auto', name: backend.name, detail: backend.detail },
        versions: collectVersions(plugin),
        createdAt: new Date().toISOString(),
      };
      test = await writeImportedRun(runDir.dir, learner, runConfig, data, out);
      runDir.close();
    } catch (error) {
      runDir.fail();
      throw error;
    } finally {
      learner?.dispose();
    }
    const report: ImportResult = {
      nir,
      out,
      rule: 'bptt',
      dataset,
      dt,
      layers: imported.layers.map((l, i) => ({ type: l.type, node: imported.sources[i] })),
      warnings: imported.warnings,
      ...(test ? { test } : {}),
      runId,
    };
    printImport(report, options, io);
    return report;
  } finally {
    Object.values(imported.weights).forEach((w) => w.dispose());
  }
}

export function registerImport(program: Command, context: CliContext): void {
  program
    .command('import')
    .description('turn a NIR graph (.nir) into a bptt run directory scored on a dataset, for eval and export')
    .argument('<file>', 'the .nir file to read')
    .option('--dt <ms>', 'simulation step (NIR graphs are continuous-time)', positiveNumber)
    .option(
      '-d, --dataset <name>',
      'the dataset the run is scored on; its inputs and classes must fit the graph',
    )
    .option('-o, --out <dir>', 'run directory to write (default runs/bptt-<dataset>-imported)')
    .addOption(
      new Option(
        '--reset <how>',
        "after a spike, LIF and IF nodes reset to 0 (NIR's definition) or subtract the threshold",
      )
        .choices(['zero', 'subtract'])
        .default('zero'),
    )
    .option(
      '--set <key=value>',
      'override one bptt setting (repeatable): the encoder, duration, loss (encoder.span=20); trainer settings under fit.',
      collect,
    )
    .option('--overwrite', 'replace a run already in --out')
    .option('-b, --batch-size <n>', 'samples per evaluation batch (default: the recipe’s)', positiveInt)
    .option(
      '--data-dir <dir>',
      'where datasets are read and cached (default $PLASTICITY_DATA_DIR, ~/.cache/plasticity)',
    )
    .option('--no-download', 'fail instead of downloading missing dataset files')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKEND_CHOICES))
    .option('-q, --quiet', 'no warnings on stderr')
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (file: string, _flags: unknown, command: Command) => {
      await runImport(file, command.optsWithGlobals<ImportOptions>(), context.io);
    });
}
