import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, PlasticityError } from '@plasticity/core-tensors';
import { RUN_FILES, readMetrics, runPath } from './run-dir.js';
import type { RunConfig } from './run-dir.js';

function runIdIn(path: string): unknown {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as {
      runId?: unknown;
      metadata?: { runId?: unknown };
    };
    return path.endsWith(MANIFEST_FILE) ? value.metadata?.runId : value.runId;
  } catch {
    return undefined; // unreadable files are reported by whoever reads them properly
  }
}

const show = (id: unknown): string => (id === undefined ? 'no run id' : `run ${String(id)}`);

/**
 * Refuses a run directory whose files were written by different runs (two `train` runs with
 * one `--out`, files copied in from elsewhere): each file's run id must be config.json's.
 * Runs from before run ids (config.json has none) are not checked.
 */
export function checkRunIdentity(dir: string, runConfig: RunConfig): void {
  const expected = runConfig.runId;
  if (expected === undefined) return;
  const disagree: string[] = [];
  const manifest = join(runPath(dir, 'checkpoint'), MANIFEST_FILE);
  for (const [name, path] of [
    [`${RUN_FILES.checkpoint}/${MANIFEST_FILE}`, manifest],
    [RUN_FILES.result, runPath(dir, 'result')],
  ]) {
    if (!existsSync(path)) continue;
    const id = runIdIn(path);
    if (id !== expected) disagree.push(`${name} (${show(id)})`);
  }
  const lines = readMetrics(dir)
    .map((record, i) => ({ line: i + 1, id: record.runId }))
    .filter(({ id }) => id !== expected);
  if (lines.length > 0) {
    const ids = [...new Set(lines.map(({ id }) => show(id)))].join(', ');
    disagree.push(`${RUN_FILES.metrics} lines ${lines.map(({ line }) => line).join(', ')} (${ids})`);
  }
  if (disagree.length > 0) {
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${dir} mixes files of different runs: ${RUN_FILES.config} is run ${expected}, but ${disagree.join(', ')}; ` +
        'train a new run in an empty directory',
      { dir, runId: expected, disagree },
    );
  }
}
