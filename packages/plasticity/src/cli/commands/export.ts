import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { PlasticityError, getRule, initBackend } from '@plasticity/core-tensors';
import type { BackendName } from '@plasticity/core-tensors';
import { exportLayerChain } from '@plasticity/neurons';
import { writeNirFile } from '@plasticity/neurons/node';
import type { CliContext, CliIO } from '../io.js';
import { positiveNumber } from '../parse.js';
import { openRun, restoreLearner } from './eval.js';
import { BACKEND_CHOICES } from './shared.js';

export interface ExportOptions {
  readonly run?: string;
  /** Where to write the NIR graph (`.nir`, HDF5). */
  readonly nir?: string;
  readonly checkpoint?: 'last' | 'best';
  /** Step in ms that NIR readers will simulate at: needed for event-driven (continuous-time) runs. */
  readonly dt?: number;
  readonly backend?: BackendName;
  readonly json?: boolean;
  readonly plugin?: readonly string[];
}

/** What `export --json` prints. */
export interface ExportReport {
  readonly run: string;
  readonly rule: string;
  readonly nir: string;
  readonly checkpoint: 'last' | 'best';
  readonly epoch: number;
  /** The step in ms the graph's parameters are set for (NIR readers should simulate at it). */
  readonly dt: number;
  /** NIR node names and types, in graph order. */
  readonly nodes: readonly { readonly name: string; readonly type: string }[];
  /** What NIR cannot say about the network (a reset by subtraction), one line each. */
  readonly warnings: readonly string[];
}

/** Writes a run's trained network (a checkpoint) as a NIR graph. */
export async function runExport(options: ExportOptions, io: CliIO): Promise<ExportReport> {
  if (options.run === undefined)
    throw new PlasticityError('E_USAGE', 'export needs --run DIR (a run directory)');
  if (options.nir === undefined)
    throw new PlasticityError('E_USAGE', 'export needs --nir FILE (the .nir file to write)');
  const target = resolve(io.cwd, options.nir);
  const { dir, runConfig } = await openRun(options.run, options.plugin, io);
  await initBackend(options.backend ?? 'auto');
  const which = options.checkpoint ?? 'last';
  const plugin = getRule(runConfig.rule);
  const { learner, config, epoch } = await restoreLearner(dir, runConfig, which);
  try {
    const chain = plugin.layerChain?.(learner, config, runConfig.task, { dt: options.dt });
    if (chain === undefined) {
      throw new PlasticityError(
        'E_UNSUPPORTED',
        `${runConfig.rule}: this run's network is not a layer chain, which NIR export needs` +
          (runConfig.rule === 'bptt' ? ' (train bptt with a `layers` config)' : ''),
        { rule: runConfig.rule },
      );
    }
    if (options.dt !== undefined && chain.dt !== options.dt) {
      throw new PlasticityError(
        'E_USAGE',
        `${runConfig.rule}: this run steps at dt ${chain.dt} ms, its weights are for that step; drop --dt ${options.dt}`,
        { field: 'dt', dt: chain.dt },
      );
    }
    const { document, warnings } = await exportLayerChain(chain);
    await writeNirFile(target, document);
    // Graph order: names as the edges first reach them (object keys put "0", "1", … first).
    const order = [...new Set(document.graph.edges.flat())];
    const report: ExportReport = {
      run: dir,
      rule: runConfig.rule,
      nir: target,
      checkpoint: which,
      epoch,
      dt: chain.dt,
      nodes: order.map((name) => {
        const node = document.graph.nodes[name];
        return { name, type: 'type' in node ? node.type : 'NIRGraph' };
      }),
      warnings,
    };
    if (options.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
      io.stdout.write(
        `wrote ${target}: ${report.nodes.map((n) => `${n.name} ${n.type}`).join(', ')} ` +
          `(${runConfig.rule}, ${which} checkpoint, epoch ${epoch}, dt ${chain.dt} ms)\n`,
      );
    }
    return report;
  } finally {
    learner.dispose();
  }
}

export function registerExport(program: Command, context: CliContext): void {
  program
    .command('export')
    .description(
      "write a run's trained spiking network as a NIR graph (.nir), for other simulators and hardware",
    )
    .option('-r, --run <dir>', 'run directory written by `plasticity train`')
    .option('--nir <file>', 'the .nir file to write (replaced atomically)')
    .addOption(
      new Option(
        '--checkpoint <which>',
        "the run's last checkpoint (default), or the best one kept by train --keep-best",
      ).choices(['last', 'best']),
    )
    .option(
      '--dt <ms>',
      'simulation step the graph is written for; required for event-driven runs (eventprop), which have none of their own',
      positiveNumber,
    )
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKEND_CHOICES))
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (_flags: unknown, command: Command) => {
      await runExport(command.optsWithGlobals<ExportOptions>(), context.io);
    });
}
