import { Command, CommanderError } from 'commander';
import './builtin-rules.js';
import { registerCenter } from './commands/center.js';
import { registerCompare } from './commands/compare.js';
import { registerEval } from './commands/eval.js';
import { registerExperiment } from './commands/experiment.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerInfo } from './commands/info.js';
import { registerTrain } from './commands/train.js';
import { registerWorker } from './commands/worker.js';
import { EXIT_INTERRUPTED, EXIT_USAGE, exitCodeFor, formatError, wantsVerbose } from './errors.js';
import type { CliContext } from './io.js';
import { collect } from './plugins.js';
import { collectVersions } from './versions.js';

/** The `plasticity` command tree, writing to `context.io` and throwing instead of exiting. */
export function createProgram(context: CliContext): Command {
  const { io } = context;
  const program = new Command('plasticity')
    .description('Train and evaluate learning-rule plugins on TensorFlow.js.')
    .version(collectVersions().plasticity, '-V, --version')
    .option('--verbose', 'show stack traces and error details')
    .option('--plugin <module>', 'import a rule plugin first (path or package name; repeatable)', collect)
    .showSuggestionAfterError(true)
    // Inherited by the subcommands registered below.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Keep commander's "(Did you mean ...?)" on the error's line.
      outputError: (text, write) => write(text.replace(/\n(?=\(Did you mean)/, ' ')),
    });
  registerInfo(program, context);
  registerTrain(program, context);
  registerEval(program, context);
  registerExport(program, context);
  registerImport(program, context);
  registerCompare(program, context);
  registerExperiment(program, context);
  registerCenter(program, context);
  registerWorker(program, context);
  return program;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit status:
 * 0 success, 2 usage or configuration error, 1 other failure, 130 interrupted. Errors are
 * one line (`error [E_CODE]: ...`); stacks only with `--verbose` or `DEBUG`.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const program = createProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its own message (help, version, or a one-line parse error).
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (context.signal?.aborted) {
      context.io.stderr.write('interrupted\n');
      return EXIT_INTERRUPTED;
    }
    context.io.stderr.write(formatError(error, wantsVerbose(argv, context.io.env)));
    return exitCodeFor(error);
  }
}
