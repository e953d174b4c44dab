import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';
import type { DataSplit, TaskSpec } from '@plasticity/core-tensors';
import {
  NMNIST_SIZE,
  USER_FILES_DATASET,
  arraySplit,
  checkRawInputs,
  eventSplit,
  isNpyRecords,
  loadDataset,
  loadUserFiles,
  parseFeatureFile,
  parseLabelFile,
  parseNpyRecords,
  packEvents,
  preprocessFeatures,
  readUserFile,
  reloadUserFiles,
} from '@plasticity/datasets';
import type {
  EventLayout,
  LoadedDataset,
  PreprocessSpec,
  UserFilesOptions,
  UserFilesRecord,
} from '@plasticity/datasets';
import type { CliIO } from './io.js';
import type { RunConfig } from './run-dir.js';
import { datasetOptions } from './commands/shared.js';

// A user's own arrays (`train --train x.npy ...`, `eval --inputs x.npy`): flags, loading and
// the checks that keep them from giving a quietly wrong answer.

/** `train` flags naming a user's files. */
export interface UserDataFlags {
  readonly dataset?: string;
  readonly train?: string;
  readonly trainLabels?: string;
  readonly validation?: string;
  readonly validationLabels?: string;
  readonly test?: string;
  readonly testLabels?: string;
  readonly classes?: number;
}

const FILE_FLAGS = [
  'train',
  'trainLabels',
  'validation',
  'validationLabels',
  'test',
  'testLabels',
  'classes',
] as const;

const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The user-file flags given, as `--flag` names. */
function fileFlagsGiven(flags: UserDataFlags): string[] {
  return FILE_FLAGS.filter((key) => flags[key] !== undefined).map(flagOf);
}

/** The data set a new run trains on: `--dataset NAME`, or `files` when `--train` names a file. */
export function datasetOf(flags: UserDataFlags): string | undefined {
  const given = fileFlagsGiven(flags);
  if (flags.dataset !== undefined && given.length > 0) {
    throw new PlasticityError(
      'E_USAGE',
      `--dataset ${flags.dataset} and ${given.join(', ')} both name training data; give --dataset or your files`,
    );
  }
  if (given.length > 0 && flags.train === undefined) {
    throw new PlasticityError(
      'E_USAGE',
      `${given.join(', ')} need --train: the training features (and --train-labels)`,
    );
  }
  return flags.train !== undefined ? USER_FILES_DATASET : flags.dataset;
}

function userFilesOptions(flags: UserDataFlags, io: CliIO): UserFilesOptions {
  const split = (inputs: string | undefined, labels: string | undefined, name: string) => {
    if (inputs === undefined && labels === undefined) return undefined;
    // A folder of recordings brings its labels (its class subfolders); files need a labels file.
    const folder =
      inputs !== undefined && statSync(resolve(io.cwd, inputs), { throwIfNoEntry: false })?.isDirectory();
    if (inputs === undefined || (labels === undefined && !folder)) {
      throw new PlasticityError(
        'E_USAGE',
        `${flagOf(name)} and ${flagOf(`${name}Labels`)} go together: features and their labels`,
      );
    }
    return {
      inputs: resolve(io.cwd, inputs),
      labels: labels === undefined ? undefined : resolve(io.cwd, labels),
    };
  };
  return {
    train: split(flags.train, flags.trainLabels, 'train')!,
    validation: split(flags.validation, flags.validationLabels, 'validation'),
    test: split(flags.test, flags.testLabels, 'test'),
    classes: flags.classes,
  };
}

/** What `train` and `eval --dataset` read: a named data set or a run's recorded files. */
export type RunData = Pick<LoadedDataset, 'task' | 'train' | 'validation' | 'preprocess' | 'classNames'> & {
  readonly test?: DataSplit;
  /** The user's files, recorded in config.json (dataset `files`). */
  readonly files?: UserFilesRecord;
};

function recordedFiles(runConfig: { readonly files?: UserFilesRecord }, where: string): UserFilesRecord {
  if (runConfig.files === undefined) {
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${where}: dataset "${USER_FILES_DATASET}" without the "files" record of which files it trained on`,
    );
  }
  return runConfig.files;
}

/**
 * Loads a run's training data: a named data set; for a new run on `--train` files, those files;
 * for a resumed one, the files it recorded (refused if they changed).
 */
export async function loadRunData(
  runConfig: { readonly dataset: string; readonly files?: UserFilesRecord },
  resume: boolean,
  flags: UserDataFlags & Parameters<typeof datasetOptions>[0],
  io: CliIO,
  signal?: AbortSignal,
): Promise<RunData> {
  if (runConfig.dataset !== USER_FILES_DATASET) {
    return loadDataset(runConfig.dataset, datasetOptions(flags, io, signal));
  }
  if (!resume) return loadUserFiles(userFilesOptions(flags, io));
  const given = fileFlagsGiven(flags);
  if (given.length > 0) {
    throw new PlasticityError(
      'E_USAGE',
      `--resume reads the files recorded in the run's config.json; drop ${given.join(', ')}`,
    );
  }
  return reloadUserFiles(recordedFiles(runConfig, 'config.json'));
}

/** `eval --dataset NAME`: a named data set, or (`files`) the files the run trained on. */
export async function loadEvalData(
  name: string,
  runConfig: RunConfig,
  flags: Parameters<typeof datasetOptions>[0],
  io: CliIO,
): Promise<RunData> {
  if (name !== USER_FILES_DATASET) return loadDataset(name, datasetOptions(flags, io));
  if (runConfig.dataset !== USER_FILES_DATASET) {
    throw new PlasticityError(
      'E_USAGE',
      `--dataset ${USER_FILES_DATASET} means the files a run trained on; this run was trained on ${runConfig.dataset} (use --inputs x.npy --labels y.npy for other files)`,
    );
  }
  return reloadUserFiles(recordedFiles(runConfig, 'config.json'));
}

/** `--input-range LO..HI`: the range the `--inputs` values are in, mapped onto what training saw. */
export function parseInputRange(value: string): [number, number] {
  const match = /^\s*(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)\s*$/.exec(value);
  const range = match ? [Number(match[1]), Number(match[2])] : [];
  if (!match || !range.every(Number.isFinite) || !(range[0] < range[1])) {
    throw new PlasticityError(
      'E_USAGE',
      `--input-range must be LO..HI with LO < HI (e.g. 0..1), got "${value}"`,
    );
  }
  return [range[0], range[1]];
}

export interface InputsFlags {
  readonly inputs?: string;
  readonly labels?: string;
  readonly inputRange?: readonly [number, number];
}

function rangeHint(spec: PreprocessSpec): string {
  const raw = spec.raw;
  const example =
    raw?.dtype === 'uint8' ? ' (e.g. --input-range 0..1 for pixels already divided by 255)' : '';
  return `pass --input-range LO..HI to map the values you have onto it${example}`;
}

/** How an event run's records map to channels: as recorded for files, N-MNIST's pixels, else a `channel` field. */
function eventLayoutOfRun(runConfig: RunConfig): EventLayout {
  if (runConfig.files?.events) return runConfig.files.events.layout;
  if (runConfig.dataset === 'nmnist') {
    return { kind: 'xyp', width: NMNIST_SIZE, height: NMNIST_SIZE, polarities: 2 };
  }
  return { kind: 'channel' };
}

const EVENT_FORM = 'a structured .npy of events (fields sample, t in ms, and channel or x/y/p)';

function checkInputKind(task: TaskSpec, events: boolean, path: string): void {
  const kind = task.input.kind;
  if (kind === 'dense' && !events) return;
  if (kind === 'events' && events) return;
  throw new PlasticityError(
    'E_DATA_FORMAT',
    kind === 'events'
      ? `the run was trained on event inputs; ${path} holds dense features: give ${EVENT_FORM}`
      : kind === 'dense'
        ? `the run was trained on dense features; ${path} holds event records`
        : `the run was trained on ${kind} inputs, which --inputs cannot give; evaluate it with --dataset`,
    { file: path },
  );
}

/**
 * `eval --inputs x --labels y` (`.npy` or `.csv`): raw features checked against what the run was
 * trained on (shape, dtype, range; `--input-range` converts explicitly), then the run's
 * preprocessing, as in training. Runs on events take a structured `.npy` of events, packed with
 * the run's channel layout, channels and window.
 */
export async function inputsSplit(flags: InputsFlags, runConfig: RunConfig, io: CliIO): Promise<DataSplit> {
  if (!flags.labels) {
    throw new PlasticityError('E_USAGE', '--inputs needs --labels y.npy (class labels, one per row)');
  }
  const inputsPath = resolve(io.cwd, flags.inputs as string);
  const labelsPath = resolve(io.cwd, flags.labels);
  const [inputsFile, labelsFile] = await Promise.all([
    readFlagFile('--inputs', inputsPath),
    readFlagFile('--labels', labelsPath),
  ]);
  const labels = parseLabelFile(labelsFile, labelsPath);
  const events = inputsPath.toLowerCase().endsWith('.npy') && isNpyRecords(inputsFile, inputsPath);
  checkInputKind(runConfig.task, events, inputsPath);
  checkLabelRange(labels, runConfig, labelsPath);
  if (runConfig.task.input.kind === 'events') {
    if (flags.inputRange !== undefined) {
      throw new PlasticityError('E_USAGE', '--input-range applies to dense features, not to events');
    }
    const { channels, duration } = runConfig.task.input;
    const spec = { layout: eventLayoutOfRun(runConfig), channels, duration };
    const packed = packEvents(parseNpyRecords(inputsFile, inputsPath), labels.length, spec, inputsPath);
    return eventSplit(packed, labels, { shuffle: false });
  }
  const inputs = parseFeatureFile(inputsFile, inputsPath);
  if (inputs.shape[0] !== labels.length) {
    throw new PlasticityError(
      'E_SHAPE',
      `${inputsPath} has ${inputs.shape[0]} rows but ${labelsPath} has ${labels.length} labels`,
      { inputs: inputs.shape, labels: labels.length },
    );
  }
  const raw = checkRawInputs(runConfig.preprocess, inputs, {
    source: inputsPath,
    inputRange: flags.inputRange,
    rangeHint: rangeHint(runConfig.preprocess),
  });
  // The run's preprocessing (normalisation, mirroring) applied to raw features, as in training.
  const x = preprocessFeatures(runConfig.preprocess, raw);
  try {
    const features = (await x.data()) as Float32Array;
    return arraySplit(features, x.shape.slice(1), labels, { shuffle: false });
  } finally {
    x.dispose();
  }
}

async function readFlagFile(flag: string, path: string): Promise<Uint8Array> {
  try {
    return (await readUserFile(path)).bytes;
  } catch (error) {
    if (error instanceof PlasticityError && error.code === 'E_USAGE') {
      throw new PlasticityError('E_USAGE', `${flag} ${error.message}`, error.details, { cause: error });
    }
    throw error;
  }
}

function checkLabelRange(labels: Int32Array, runConfig: RunConfig, labelsPath: string): void {
  const outside = labels.findIndex((label) => label >= runConfig.task.outputs);
  if (outside >= 0) {
    throw new PlasticityError(
      'E_DATA_FORMAT',
      `${labelsPath}: label ${labels[outside]} at index ${outside} is not one of the run's ${runConfig.task.outputs} classes (0–${runConfig.task.outputs - 1})`,
      { file: labelsPath, index: outside },
    );
  }
}
