import type { Command } from 'commander';
import { listExperiments, listRules, probeBackends, resolveWasmThreads } from '@plasticity/core-tensors';
import type { BackendProbe } from '@plasticity/core-tensors';
import { listDatasets } from '@plasticity/datasets';
import type { CliContext, CliIO } from '../io.js';
import { importPlugins, normalizePluginSpecifiers } from '../plugins.js';
import { collectVersions, rulePackageInfo } from '../versions.js';
import type { RulePackageInfo, Versions } from '../versions.js';

export interface InfoReport {
  readonly backends: readonly BackendProbe[];
  /** Threads `train` gives the wasm backend for a network large enough to gain (one per core, at most 8). */
  readonly wasmThreads: number;
  readonly rules: readonly {
    readonly name: string;
    readonly summary: string;
    readonly recipes: readonly string[];
    /** The npm package the rule came from, when known. */
    readonly package?: RulePackageInfo;
  }[];
  readonly datasets: readonly { readonly name: string; readonly description: string }[];
  /** Experiments `plasticity experiment <name>` runs. */
  readonly experiments: readonly { readonly name: string; readonly summary: string }[];
  readonly versions: Versions;
}

export async function collectInfo(): Promise<InfoReport> {
  const backends = await probeBackends();
  const wasmThreads = await resolveWasmThreads('auto');
  const rules = listRules().map((rule) => {
    const found = rulePackageInfo(rule);
    return {
      name: rule.name,
      summary: rule.summary,
      recipes: Object.keys(rule.recipes ?? {}),
      ...(found ? { package: found } : {}),
    };
  });
  const datasets = listDatasets().map((d) => ({ name: d.name, description: d.description }));
  const experiments = listExperiments().map((e) => ({ name: e.name, summary: e.summary }));
  return { backends, wasmThreads, rules, datasets, experiments, versions: collectVersions() };
}

function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map(
    (r) => indent + r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]) : cell)).join('  '),
  );
}

export function formatInfo(info: InfoReport): string {
  const lines = [`plasticity ${info.versions.plasticity}`, '', 'Backends:'];
  lines.push(
    ...table(
      info.backends.map((b) => [
        b.name,
        b.available ? 'available' : 'unavailable',
        (b.available ? b.detail : b.reason) ?? '',
      ]),
    ),
  );
  lines.push(
    `  wasm threads: ${info.wasmThreads} (one per core) when a training step has 5·10⁷ multiply-adds or more, ` +
      'else 1; set with train --wasm-threads or PLASTICITY_WASM_THREADS',
  );
  lines.push('', 'Rules:');
  lines.push(
    ...table(
      info.rules.map((r) => [
        r.name,
        r.package ? `${r.package.name} ${r.package.version}` : '(no package)',
        r.summary + (r.recipes.length ? ` [recipes: ${r.recipes.join(', ')}]` : ''),
      ]),
    ),
  );
  lines.push('', 'Datasets:', ...table(info.datasets.map((d) => [d.name, d.description])));
  if (info.experiments.length > 0) {
    lines.push('', 'Experiments:', ...table(info.experiments.map((e) => [e.name, e.summary])));
  }
  lines.push('', 'Versions:', ...table(Object.entries(info.versions).map(([k, v]) => [k, v])));
  return `${lines.join('\n')}\n`;
}

export async function runInfo(
  options: { json?: boolean; plugin?: readonly string[] },
  io: CliIO,
): Promise<InfoReport> {
  await importPlugins(normalizePluginSpecifiers(options.plugin ?? [], io.cwd));
  const info = await collectInfo();
  io.stdout.write(options.json ? `${JSON.stringify(info)}\n` : formatInfo(info));
  return info;
}

export function registerInfo(program: Command, context: CliContext): void {
  program
    .command('info')
    .description('backends (and why one is unavailable), rules, datasets, versions')
    .option('--json', 'print one JSON object on stdout')
    .action(async (_flags: unknown, command: Command) => {
      await runInfo(command.optsWithGlobals<{ json?: boolean; plugin?: string[] }>(), context.io);
    });
}
