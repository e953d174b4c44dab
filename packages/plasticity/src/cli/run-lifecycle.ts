import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MANIFEST_FILE, PlasticityError, isPlasticityError } from '@plasticity/core-tensors';
import type { FitEvent } from '@plasticity/core-tensors';
import type { CliIO } from './io.js';
import { prepareOutputDir, removeCreated } from './output-dir.js';
import { RUN_FILES, holdsRun, readRunConfig, runPath } from './run-dir.js';
import { checkRunIdentity } from './run-identity.js';
import { acquireRunLock } from './run-lock.js';

/** How a `train` invocation uses its `--out`. */
export type RunMode = 'new' | 'overwrite' | 'resume';

/**
 * A run directory while `train` writes it: locked against other runs, and for `--overwrite`
 * of an earlier run, a replacement written beside it (`<out>.new-<runId>`) that takes its place
 * only once its first checkpoint is on disk, so a replacement that fails or is killed before
 * that leaves the earlier run as it was.
 */
export interface RunDirectory {
  /** The run directory the user named. */
  readonly out: string;
  /** Where the run's files go now: `out`, or the replacement until it is swapped in. */
  readonly dir: string;
  /** Follow fit's events: the epoch in progress, the last checkpoint, the swap. */
  onFitEvent(event: FitEvent): void;
  /** What an interrupted run leaves and how to go on (one line). */
  stoppedMessage(): string;
  /** Unlocks after success. */
  close(): void;
  /** Unlocks after a failure; drops a replacement never swapped in and directories made for nothing. */
  fail(): void;
}

const replacementPrefix = (out: string): string => `${basename(out)}.new-`;
const setAsidePrefix = (out: string): string => `${basename(out)}.old-`;

/**
 * Replacements or set-aside runs left by a killed `--overwrite` (called while holding the lock,
 * so no run writes them). Removed only when nothing is lost: a replacement without a checkpoint,
 * an earlier run set aside once `out` holds the new one; anything else (a crash in the middle
 * of the swap) is kept and named.
 */
function removeLeftovers(out: string, warn: (line: string) => void): void {
  const parent = dirname(out);
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    const replacement = name.startsWith(replacementPrefix(out));
    if (!replacement && !name.startsWith(setAsidePrefix(out))) continue;
    const disposable = replacement
      ? !existsSync(join(runPath(path, 'checkpoint'), MANIFEST_FILE))
      : holdsRun(out);
    if (disposable) {
      warn(`warning: removing ${path}, left by an interrupted --overwrite\n`);
      rmSync(path, { recursive: true, force: true });
    } else {
      warn(
        `warning: ${path} was left by an --overwrite interrupted while swapping runs; it is kept for you to check\n`,
      );
    }
  }
}

/**
 * Makes `replacement` the run in `out`: files in `out` that are not part of a run move into the
 * replacement first, then the earlier run is renamed aside, the replacement renamed into place,
 * and the earlier run deleted. Every step is a rename on one file system.
 */
function swapIn(replacement: string, out: string, runId: string): void {
  const runFiles = new Set<string>(Object.values(RUN_FILES));
  for (const name of readdirSync(out)) {
    if (!runFiles.has(name)) renameSync(join(out, name), join(replacement, name));
  }
  const aside = join(dirname(out), `${setAsidePrefix(out)}${runId}`);
  renameSync(out, aside);
  renameSync(replacement, out);
  rmSync(aside, { recursive: true, force: true });
}

/**
 * Opens `out` for a run before anything slow starts: checks it can be written (E_OUTPUT),
 * locks it (E_LOCKED), and checks it suits the mode: a new run needs a directory without a
 * run (E_USAGE), a resumed one a directory whose files all belong to one run (E_CHECKPOINT).
 */
export function openRunDirectory(out: string, mode: RunMode, runId: string, io: CliIO): RunDirectory {
  const warn = (line: string): void => void io.stderr.write(line);
  const created = prepareOutputDir(out);
  let lock;
  try {
    lock = acquireRunLock(out, warn);
  } catch (error) {
    removeCreated(created);
    throw error;
  }
  let replacement: string | undefined;
  try {
    removeLeftovers(out, warn);
    if (mode === 'new' && holdsRun(out)) {
      throw new PlasticityError(
        'E_USAGE',
        `${out} already holds a run; pass --resume to continue it, --overwrite to replace it, or choose another --out`,
        { out },
      );
    }
    if (mode === 'resume') checkRunIdentity(out, readRunConfig(out));
    if (mode === 'overwrite' && holdsRun(out)) {
      replacement = join(dirname(out), `${replacementPrefix(out)}${runId}`);
      prepareOutputDir(replacement);
    }
  } catch (error) {
    lock.release();
    removeCreated(created);
    throw error;
  }

  const held = lock;
  let epoch = 1;
  // Unknown for a resumed run until fit has read its checkpoint (the 'start' event).
  let checkpointEpoch: number | undefined = mode === 'resume' ? undefined : 0;
  const directory: RunDirectory = {
    out,
    get dir() {
      return replacement ?? out;
    },
    onFitEvent(event) {
      if (event.type === 'start') {
        checkpointEpoch = event.startEpoch;
        epoch = event.startEpoch + 1;
      } else if (event.type === 'epoch') epoch = event.epoch + 1;
      else if (event.type === 'checkpoint') {
        checkpointEpoch = event.epoch;
        if (replacement) {
          swapIn(replacement, out, runId);
          replacement = undefined;
        }
      }
    },
    stoppedMessage() {
      const resume = `plasticity train --resume --out ${out}`;
      if (replacement) {
        return `stopped in epoch ${epoch}, before the replacement's first checkpoint: the replacement is discarded and the earlier run in ${out} is kept as it was\n`;
      }
      if (checkpointEpoch === undefined) {
        return `stopped before training resumed; ${out} is as it was: continue with ${resume}\n`;
      }
      if (checkpointEpoch === 0) {
        return (
          `stopped in epoch ${epoch}, before the first checkpoint: ${out} holds the run's ${RUN_FILES.config} but no weights; ` +
          `${resume} starts it again from epoch 1\n`
        );
      }
      return `stopped in epoch ${epoch}; the checkpoint of epoch ${checkpointEpoch} is kept: continue with ${resume}\n`;
    },
    close() {
      // A finished run always has a checkpoint; this only guards a run that saved none.
      if (replacement) swapIn(replacement, out, runId);
      replacement = undefined;
      held.release();
    },
    fail() {
      if (replacement) rmSync(replacement, { recursive: true, force: true });
      held.release();
      removeCreated(created);
    },
  };
  return directory;
}

/**
 * Opens a new run in `base`, or in `base-2`, `base-3`, ... when a run holds or locks it: the
 * default directory (`runs/<rule>-<dataset>-<time>`) of runs started in the same second.
 */
export function openUnusedRunDirectory(
  base: string,
  runId: string,
  io: CliIO,
): { readonly out: string; readonly runDir: RunDirectory } {
  for (let n = 1; ; n++) {
    const out = n === 1 ? base : `${base}-${n}`;
    if (holdsRun(out) || existsSync(`${out}.lock`)) continue;
    try {
      return { out, runDir: openRunDirectory(out, 'new', runId, io) };
    } catch (error) {
      // Another run took the name between the check and the lock: try the next one.
      if (!isPlasticityError(error, 'E_LOCKED') && !holdsRun(out)) throw error;
    }
  }
}
