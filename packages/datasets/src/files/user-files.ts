import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';
import type { EventBatch, InputSpec, TaskSpec } from '@plasticity/core-tensors';
import { NMNIST_FOLDER_SPEC, readEventFolder } from './event-folder.js';
import { eventSplit } from '../events/event-split.js';
import type { EventSplit } from '../events/event-split.js';
import { isNpyRecords, parseNpyRecords } from '../io/npy.js';
import type { NpyRecords } from '../io/npy.js';
import type { DatasetSplit } from '../registry/registry.js';
import { eventSpecOf, packEvents } from './event-files.js';
import type { EventFilesSpec } from './event-files.js';
import type { ArraySplit } from '../batching/array-split.js';
import { arraySplit } from '../batching/array-split.js';
import type { PreprocessSpec } from '../preprocess/preprocess.js';
import { checkRawInputs, finiteRange } from '../preprocess/raw-inputs.js';
import type { TypedRawFeatures } from '../preprocess/raw-inputs.js';
import type { UserFileRecord } from './read-arrays.js';
import { parseFeatureFile, parseLabelFile, readUserFile } from './read-arrays.js';

/** The data set name under which runs on a user's own files are recorded. */
export const USER_FILES_DATASET = 'files';

/**
 * One split given as files: features and labels, or a folder of N-MNIST-format recordings with
 * one subfolder per class (`labels` then absent: they come from the subfolder names).
 */
export interface UserSplitPaths {
  readonly inputs: string;
  readonly labels?: string;
}

export type UserSplitName = 'train' | 'validation' | 'test';

export interface UserFilesOptions {
  readonly train: UserSplitPaths;
  readonly validation?: UserSplitPaths;
  readonly test?: UserSplitPaths;
  /** Number of classes (default: the largest training label + 1). */
  readonly classes?: number;
}

/** What a run records about its files (config.json), so that a later load can tell they changed. */
export interface UserFilesRecord {
  /** Event files: how records became channels, and the window. */
  readonly events?: EventFilesSpec;
  readonly splits: Partial<
    Record<UserSplitName, { readonly inputs: UserFileRecord; readonly labels?: UserFileRecord }>
  >;
  readonly classes: number;
}

/** A data set built from a user's files; like `LoadedDataset`, but the test split is optional. */
export interface UserFilesDataset {
  readonly name: typeof USER_FILES_DATASET;
  readonly task: TaskSpec;
  readonly train: DatasetSplit;
  readonly validation?: DatasetSplit;
  readonly test?: DatasetSplit;
  readonly preprocess: PreprocessSpec;
  readonly description: string;
  readonly classNames: readonly string[];
  readonly files: UserFilesRecord;
}

interface ReadSplit {
  readonly name: UserSplitName;
  readonly labels: Int32Array;
  readonly record: { readonly inputs: UserFileRecord; readonly labels?: UserFileRecord };
  /** Dense features, or (a structured `.npy`) event records. */
  readonly features?: TypedRawFeatures;
  readonly events?: NpyRecords;
  /** Events already packed (a folder of recordings). */
  readonly packed?: EventBatch;
}

async function readSplit(
  name: UserSplitName,
  paths: UserSplitPaths,
  expected: UserFilesRecord | undefined,
): Promise<ReadSplit> {
  if ((await stat(paths.inputs).catch(() => undefined))?.isDirectory()) {
    if (paths.labels !== undefined) {
      throw new PlasticityError(
        'E_USAGE',
        `${paths.inputs} is a folder of recordings whose labels are its subfolder names; give no labels file with it`,
      );
    }
    const folder = await readEventFolder(paths.inputs);
    checkUnchanged(expected?.splits[name]?.inputs, folder.record);
    return { name, packed: folder.events, labels: folder.labels, record: { inputs: folder.record } };
  }
  if (paths.labels === undefined) {
    throw new PlasticityError('E_USAGE', `${paths.inputs}: the ${name} features need a labels file`);
  }
  const [inputs, labels] = await Promise.all([readUserFile(paths.inputs), readUserFile(paths.labels)]);
  checkUnchanged(expected?.splits[name]?.inputs, inputs.record);
  checkUnchanged(expected?.splits[name]?.labels, labels.record);
  const labelValues = parseLabelFile(labels.bytes, paths.labels);
  const record = { inputs: inputs.record, labels: labels.record };
  if (paths.inputs.toLowerCase().endsWith('.npy') && isNpyRecords(inputs.bytes, paths.inputs)) {
    return { name, events: parseNpyRecords(inputs.bytes, paths.inputs), labels: labelValues, record };
  }
  const features = parseFeatureFile(inputs.bytes, paths.inputs);
  if (features.shape[0] !== labelValues.length) {
    throw new PlasticityError(
      'E_SHAPE',
      `${paths.inputs} has ${features.shape[0]} rows but ${paths.labels} has ${labelValues.length} labels`,
      { inputs: [...features.shape], labels: labelValues.length },
    );
  }
  return { name, features, labels: labelValues, record };
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

function checkLabels(split: ReadSplit, classes: number, explicit: boolean): void {
  const outside = split.labels.findIndex((label) => label >= classes);
  if (outside < 0) return;
  const path = split.record.labels?.path ?? split.record.inputs.path;
  throw new PlasticityError(
    'E_DATA_FORMAT',
    `${path}: label ${split.labels[outside]} at row ${outside} is not one of the ${classes} classes (0–${classes - 1})` +
      (explicit ? '' : ' seen in the training labels; pass the number of classes explicitly'),
    { file: path, index: outside, classes },
  );
}

/**
 * Builds a classification data set from a user's files (`.npy` or `.csv`, see
 * `parseFeatureFile`/`parseLabelFile`). The task comes from the data: input shape from the
 * training features, classes = largest label + 1 unless given. Validation and test features must
 * have the training shape, a compatible dtype and range (`checkRawInputs`), and labels among the
 * classes; NaN/Inf and row-count mismatches are refused naming the file, row and column.
 * With `expected` (a run's record), a file whose sha256 differs is refused.
 */
export async function loadUserFiles(
  options: UserFilesOptions,
  expected?: UserFilesRecord,
): Promise<UserFilesDataset> {
  const named = (['train', 'validation', 'test'] as const).flatMap((name) =>
    options[name] ? [{ name, paths: options[name] }] : [],
  );
  const splits = await Promise.all(named.map(({ name, paths }) => readSplit(name, paths, expected)));
  const train = splits[0];
  const largest = train.labels.reduce((a, b) => Math.max(a, b), 0);
  const classes = options.classes ?? largest + 1;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new PlasticityError(
      'E_CONFIG',
      `a classification task needs at least 2 classes; got ${classes}` +
        (options.classes === undefined
          ? ` (the labels of ${(train.record.labels ?? train.record.inputs).path} are all 0)`
          : ''),
      { field: 'classes', classes },
    );
  }
  for (const split of splits) {
    checkLabels(split, classes, options.classes !== undefined);
    if (isEvents(split) !== isEvents(train)) {
      const what = (s: ReadSplit): string => (isEvents(s) ? 'events' : 'dense features');
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `${split.record.inputs.path} holds ${what(split)} but the training data ${train.record.inputs.path} holds ${what(train)}`,
        { file: split.record.inputs.path },
      );
    }
  }
  const built = isEvents(train) ? eventSplits(splits, expected?.events) : denseSplits(splits);
  return {
    name: USER_FILES_DATASET,
    task: { input: built.input, outputs: classes, kind: 'classification' },
    train: built.splits.train!,
    validation: built.splits.validation,
    test: built.splits.test,
    preprocess: built.preprocess,
    description: `your files: ${named.map(({ name, paths }) => `${name} ${paths.inputs}`).join(', ')}`,
    classNames: Array.from({ length: classes }, (_, i) => String(i)),
    files: {
      splits: Object.fromEntries(splits.map((s) => [s.name, s.record])),
      classes,
      ...(built.events ? { events: built.events } : {}),
    },
  };
}

interface BuiltSplits {
  readonly input: InputSpec;
  readonly splits: Partial<Record<UserSplitName, DatasetSplit>>;
  readonly preprocess: PreprocessSpec;
  readonly events?: EventFilesSpec;
}

function denseSplits(splits: readonly ReadSplit[]): BuiltSplits {
  const train = splits[0];
  const trainFeatures = train.features!;
  const featureShape = trainFeatures.shape.slice(1);
  const preprocess: PreprocessSpec = {
    kind: 'identity',
    inputShape: featureShape,
    raw: {
      what: `the features of ${basename(train.record.inputs.path)}`,
      dtype: trainFeatures.dtype,
      range: finiteRange(trainFeatures, train.record.inputs.path),
      bounds: 'observed',
      shape: featureShape,
    },
  };
  const toSplit = (split: ReadSplit): ArraySplit => {
    const features = split.features!;
    const source = split.record.inputs.path;
    if (split !== train) {
      if (!sameShape(features.shape.slice(1), featureShape)) {
        throw new PlasticityError(
          'E_SHAPE',
          `${source}: samples have shape [${features.shape.slice(1).join(', ')}]; the training features (${train.record.inputs.path}) have [${featureShape.join(', ')}]`,
          { file: source },
        );
      }
      checkRawInputs(preprocess, features, { source });
    }
    return arraySplit(Float32Array.from(features.data), featureShape, split.labels, {
      shuffle: split === train,
    });
  };
  return {
    input: { kind: 'dense', shape: featureShape },
    splits: Object.fromEntries(splits.map((s) => [s.name, toSplit(s)])),
    preprocess,
  };
}

const isEvents = (split: ReadSplit): boolean => split.events !== undefined || split.packed !== undefined;

function eventSplits(splits: readonly ReadSplit[], recorded: EventFilesSpec | undefined): BuiltSplits {
  // A folder of recordings fixes N-MNIST's layout; record files alone give theirs.
  const spec =
    recorded ??
    (splits.some((s) => s.packed)
      ? NMNIST_FOLDER_SPEC
      : eventSpecOf(splits.map((s) => ({ records: s.events!, path: s.record.inputs.path }))));
  const toSplit = (split: ReadSplit): EventSplit =>
    eventSplit(
      split.packed ?? packEvents(split.events!, split.labels.length, spec, split.record.inputs.path),
      split.labels,
      { shuffle: split.name === 'train' },
    );
  return {
    input: { kind: 'events', channels: spec.channels, duration: spec.duration },
    splits: Object.fromEntries(splits.map((s) => [s.name, toSplit(s)])),
    preprocess: { kind: 'identity', inputShape: [spec.channels] },
    events: spec,
  };
}

/**
 * Loads the files a run recorded, refusing (E_DATA_FORMAT) when one changed since: its
 * sha256 differs from the record.
 */
export async function reloadUserFiles(record: UserFilesRecord): Promise<UserFilesDataset> {
  const paths = (name: UserSplitName): UserSplitPaths | undefined => {
    const split = record.splits[name];
    return split && { inputs: split.inputs.path, labels: split.labels?.path };
  };
  return loadUserFiles(
    { train: paths('train')!, validation: paths('validation'), test: paths('test'), classes: record.classes },
    record,
  );
}

function checkUnchanged(was: UserFileRecord | undefined, is: UserFileRecord): void {
  if (was === undefined || was.sha256 === is.sha256) return;
  throw new PlasticityError(
    'E_DATA_FORMAT',
    `${is.path} changed since the run recorded it (${was.bytes} bytes, sha256 ${was.sha256.slice(0, 12)}…; ` +
      `now ${is.bytes} bytes, ${is.sha256.slice(0, 12)}…); restore it, or start a new run`,
    { file: is.path, recorded: was, found: is },
  );
}
