import * as tf from '@tensorflow/tfjs-core';
import type { Learner } from '../contract/learner.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { reasonOf } from '../backend/environment.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  MANIFEST_FILE,
  MODEL_FILE,
  OPTIMIZER_FILE,
} from './manifest.js';
import type { CheckpointManifest, TrainerState } from './manifest.js';
import type { BestRecord } from '../training/events.js';
import { atomicWriteFile } from './atomic-write.js';
import { nodeIo } from './node-io.js';
import { readSafetensors, writeSafetensors } from './tensor-files.js';

export interface SaveCheckpointOptions {
  readonly learner: Learner;
  /** The run's full config (JSON). */
  readonly config: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Epochs completed. */
  readonly epoch: number;
  /** Trainer state for `fit({resume: true})`; `fit` fills it. */
  readonly trainer?: TrainerState;
  /** For a best-epoch checkpoint: the metric and value that made it the best. */
  readonly best?: BestRecord;
}

export interface LoadedCheckpoint {
  readonly dir: string;
  /** Param tensors by name (the caller disposes them, e.g. with `disposeCheckpoint`). */
  readonly params: Record<string, tf.Tensor>;
  /** Optimiser state, when the learner saved any. */
  readonly state?: Record<string, tf.Tensor>;
  readonly config: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly epoch: number;
  readonly trainer?: TrainerState;
  readonly best?: BestRecord;
  readonly manifest: CheckpointManifest;
}

export interface LoadCheckpointOptions {
  /**
   * Read the optimiser state too (default true). Inference needs only the params: with
   * `false`, `optimizer.safetensors` is neither read nor required.
   */
  readonly optimizer?: boolean;
}

const SAVE_ID = 'plasticity.save_id';

/**
 * Saves params (`model.safetensors`, loadable with Python's `safetensors`), optimiser state
 * (`optimizer.safetensors`) and `checkpoint.json` (config, metadata, epoch) into `dir`. Each
 * file is written atomically and checkpoint.json last, so an interrupted save leaves the
 * previous checkpoint loadable (files of a half-finished save are detected by their saveId).
 */
export async function saveCheckpoint(
  dir: string,
  options: SaveCheckpointOptions,
): Promise<CheckpointManifest> {
  const { fs, path, crypto } = await nodeIo();
  const { learner, epoch } = options;
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new PlasticityError('E_USAGE', `saveCheckpoint: epoch must be an integer ≥ 0, got ${epoch}`);
  }
  let configJson: string;
  try {
    configJson = JSON.stringify({ config: options.config ?? null, metadata: options.metadata ?? {} });
  } catch (error) {
    throw new PlasticityError(
      'E_USAGE',
      `saveCheckpoint: config/metadata are not JSON-serialisable: ${reasonOf(error)}`,
    );
  }
  const { config, metadata } = JSON.parse(configJson) as {
    config: unknown;
    metadata: Record<string, unknown>;
  };
  await fs.mkdir(dir, { recursive: true });
  const saveId = crypto.randomUUID();
  const fileMetadata = { [SAVE_ID]: saveId, 'plasticity.epoch': String(epoch) };

  await writeSafetensors(path.join(dir, MODEL_FILE), learner.params, {
    ...fileMetadata,
    'plasticity.kind': 'params',
  });
  let optimizer: string | undefined;
  if (learner.saveState) {
    const state = await learner.saveState();
    try {
      await writeSafetensors(path.join(dir, OPTIMIZER_FILE), state, {
        ...fileMetadata,
        'plasticity.kind': 'optimizer',
      });
    } finally {
      tf.dispose(Object.values(state));
    }
    optimizer = OPTIMIZER_FILE;
  }
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    saveId,
    createdAt: new Date().toISOString(),
    epoch,
    config,
    metadata,
    files: optimizer ? { model: MODEL_FILE, optimizer } : { model: MODEL_FILE },
    params: Object.fromEntries(
      Object.entries(learner.params).map(([name, v]) => [name, { dtype: v.dtype, shape: v.shape }]),
    ),
    ...(options.trainer ? { trainer: options.trainer } : {}),
    ...(options.best ? { best: options.best } : {}),
  };
  await atomicWriteFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reads and checks `dir/checkpoint.json` without loading tensors (E_CHECKPOINT; `details.missing` when absent). */
export async function readCheckpointManifest(dir: string): Promise<CheckpointManifest> {
  const { fs, path } = await nodeIo();
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new PlasticityError(
      'E_CHECKPOINT',
      missing ? `no checkpoint in ${dir}: ${MANIFEST_FILE} not found` : `${file}: ${reasonOf(error)}`,
      { file, missing },
    );
  }
  let manifest: Partial<CheckpointManifest>;
  try {
    manifest = JSON.parse(text) as Partial<CheckpointManifest>;
  } catch (error) {
    throw new PlasticityError('E_CHECKPOINT', `${file}: not valid JSON (${reasonOf(error)})`, { file });
  }
  const problems: string[] = [];
  if (manifest?.format !== CHECKPOINT_FORMAT) problems.push(`format is ${JSON.stringify(manifest?.format)}`);
  else if (manifest.version !== CHECKPOINT_VERSION) problems.push(`unsupported version ${manifest.version}`);
  if (!Number.isInteger(manifest?.epoch) || (manifest.epoch as number) < 0) problems.push('epoch is missing');
  if (typeof manifest?.saveId !== 'string') problems.push('saveId is missing');
  if (typeof manifest?.files?.model !== 'string') problems.push('files.model is missing');
  if (problems.length > 0) {
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${file} is not a plasticity checkpoint: ${problems.join('; ')}`,
      { file },
    );
  }
  return manifest as CheckpointManifest;
}

async function readTensorFile(dir: string, name: string, saveId: string): Promise<Record<string, tf.Tensor>> {
  const { path } = await nodeIo();
  const file = path.join(dir, name);
  const { tensors, metadata } = await readSafetensors(file);
  if (metadata[SAVE_ID] !== saveId) {
    tf.dispose(Object.values(tensors));
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${file} does not belong to ${path.join(dir, MANIFEST_FILE)} (save ids differ: was a save interrupted?)`,
      { file },
    );
  }
  return tensors;
}

/** The optimiser state; a missing file says what it is needed for (and what is not). */
async function readOptimizerFile(
  dir: string,
  name: string,
  saveId: string,
): Promise<Record<string, tf.Tensor>> {
  const { fs, path } = await nodeIo();
  const file = path.join(dir, name);
  const exists = await fs.access(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${file} is missing: the optimiser state is needed to continue training (inference needs only ${MODEL_FILE})`,
      { file, missing: 'optimizer' },
    );
  }
  return readTensorFile(dir, name, saveId);
}

/**
 * Loads a checkpoint written by `saveCheckpoint`, validating every file it reads. With
 * `{optimizer: false}` only the params are read (for inference).
 */
export async function loadCheckpoint(
  dir: string,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint> {
  const manifest = await readCheckpointManifest(dir);
  const params = await readTensorFile(dir, manifest.files.model, manifest.saveId);
  let state: Record<string, tf.Tensor> | undefined;
  if (manifest.files.optimizer && options.optimizer !== false) {
    try {
      state = await readOptimizerFile(dir, manifest.files.optimizer, manifest.saveId);
    } catch (error) {
      tf.dispose(Object.values(params));
      throw error;
    }
  }
  return {
    dir,
    params,
    ...(state ? { state } : {}),
    config: manifest.config,
    metadata: manifest.metadata ?? {},
    epoch: manifest.epoch,
    ...(manifest.trainer ? { trainer: manifest.trainer } : {}),
    ...(manifest.best ? { best: manifest.best } : {}),
    manifest,
  };
}

/** Disposes the tensors of a loaded checkpoint. */
export function disposeCheckpoint(checkpoint: Pick<LoadedCheckpoint, 'params' | 'state'>): void {
  tf.dispose(Object.values(checkpoint.params));
  if (checkpoint.state) tf.dispose(Object.values(checkpoint.state));
}

/**
 * Copies checkpoint tensors into the learner's params. All names and shapes are checked first
 * (nothing is assigned unless everything matches); a mismatch is one E_CHECKPOINT error naming
 * every missing, unexpected or misshapen tensor and `source` (the file).
 */
export function restoreParams(
  learner: Learner,
  tensors: Readonly<Record<string, tf.Tensor>>,
  source = 'checkpoint',
): void {
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(learner.params)) {
    const tensor = tensors[name];
    if (!tensor) problems.push(`missing tensor "${name}" (param shape [${variable.shape}])`);
    else if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
      problems.push(
        `tensor "${name}" has shape [${tensor.shape}], the learner's param has [${variable.shape}]`,
      );
    }
  }
  for (const name of Object.keys(tensors)) {
    if (!(name in learner.params)) problems.push(`unexpected tensor "${name}" (no such param)`);
  }
  if (problems.length > 0) {
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${source} does not match the learner: ${problems.join('; ')}`,
      {
        file: source,
        problems,
      },
    );
  }
  tf.tidy(() => {
    for (const [name, variable] of Object.entries(learner.params)) {
      const tensor = tensors[name];
      variable.assign(tensor.dtype === variable.dtype ? tensor : tf.cast(tensor, variable.dtype));
    }
  });
}
