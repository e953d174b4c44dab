import cliProgress from 'cli-progress';
import type { EpochRecord, FitEvent } from '@plasticity/core-tensors';
import type { CliStream } from './io.js';

export interface ProgressOptions {
  readonly stream: CliStream;
  /** Draw the bar (a terminal, and not `--json`). */
  readonly bar: boolean;
  /** Print one line per epoch (off with `--quiet`). */
  readonly epochLines: boolean;
}

export interface ProgressReporter {
  onEvent(event: FitEvent): void;
  /** Removes the bar; safe to call twice and after errors. */
  stop(): void;
}

function fixed(value: number | undefined, digits = 4): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/** `epoch 3/20  loss 0.1234  acc 0.9612  val loss …  test acc 0.9680  1.23s`. */
export function formatEpochLine(record: EpochRecord, epochs: number): string {
  const parts = [`epoch ${record.epoch}/${epochs}`, `loss ${fixed(record.train.loss)}`];
  if (record.train.accuracy !== undefined) parts.push(`acc ${fixed(record.train.accuracy)}`);
  if (record.validation)
    parts.push(`val loss ${fixed(record.validation.loss)}`, `val acc ${fixed(record.validation.accuracy)}`);
  if (record.test)
    parts.push(`test loss ${fixed(record.test.loss)}`, `test acc ${fixed(record.test.accuracy)}`);
  parts.push(`${record.seconds.toFixed(2)}s`);
  return parts.join('  ');
}

/**
 * Turns trainer events (1-based epochs and steps) into a progress bar (steps over the whole run, with the epoch's running
 * mean loss/accuracy and an ETA) and one summary line per epoch printed above it.
 */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  // A MultiBar with one bar: it prints log lines above the bar and tracks the cursor
  // relatively (SingleBar restores a saved absolute position, which breaks once lines scroll).
  let multi: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let epochs = 0;
  let stepsPerEpoch = 0;
  let startEpoch = 0;
  let sums = { loss: 0, accuracy: 0, steps: 0, accuracySteps: 0 };

  const log = (line: string): void => {
    if (!multi) {
      options.stream.write(`${line}\n`);
      return;
    }
    multi.log(`${line}\n`);
    multi.update(); // print it now, not at the next redraw
  };

  const stop = (): void => {
    multi?.update();
    multi?.stop();
    multi = undefined;
    bar = undefined;
  };

  return {
    stop,
    onEvent(event) {
      switch (event.type) {
        case 'start': {
          ({ epochs, stepsPerEpoch, startEpoch } = event);
          if (options.bar && event.epochs > event.startEpoch) {
            multi = new cliProgress.MultiBar(
              {
                stream: options.stream as NodeJS.WritableStream,
                format:
                  'epoch {epoch} {bar} {percentage}% | loss {loss} | acc {accuracy} | ETA {eta_formatted}',
                barsize: 24,
                hideCursor: true,
                clearOnComplete: true,
                etaBuffer: 200,
                fps: 8,
              },
              cliProgress.Presets.shades_classic,
            );
            const payload = { epoch: `${startEpoch + 1}/${epochs}`, loss: '-', accuracy: '-' };
            bar = multi.create((epochs - startEpoch) * stepsPerEpoch, 0, payload);
          }
          if (startEpoch >= epochs) log(`the run is complete (${startEpoch}/${epochs} epochs)`);
          else if (startEpoch > 0) log(`resuming at epoch ${startEpoch + 1}/${epochs}`);
          break;
        }
        case 'step': {
          if (event.step === 1) sums = { loss: 0, accuracy: 0, steps: 0, accuracySteps: 0 };
          sums.steps += 1;
          sums.loss += event.metrics.loss;
          if (event.metrics.accuracy !== undefined) {
            sums.accuracy += event.metrics.accuracy;
            sums.accuracySteps += 1;
          }
          bar?.update((event.epoch - 1 - startEpoch) * event.stepsPerEpoch + event.step, {
            epoch: `${event.epoch}/${epochs}`,
            loss: fixed(sums.loss / sums.steps),
            accuracy: sums.accuracySteps ? fixed(sums.accuracy / sums.accuracySteps) : '-',
          });
          break;
        }
        case 'epoch':
          if (options.epochLines) log(formatEpochLine(event, epochs));
          break;
        case 'end':
          stop();
          break;
        default:
          break;
      }
    },
  };
}
