import type { Learner, StepMetrics } from '../contract/learner.js';
import { saveCheckpoint } from '../checkpoint/checkpoint.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { EarlyStopper } from './early-stop.js';
import { evaluate } from './evaluate.js';
import { BestKeeper } from './keep-best.js';
import type {
  EpochRecord,
  EvalResult,
  FitData,
  FitEvent,
  FitOptions,
  FitResult,
  TrainSummary,
} from './events.js';
import { checkFitOptions } from './options-schema.js';
import { resumeFrom } from './resume.js';
import { learningRateAt } from './schedule.js';

const now = (): number => performance.now();

// cpu/wasm steps can resolve entirely in microtasks; yielding a macrotask now and then lets
// timers, progress bars and SIGINT handlers (which abort the signal) run.
const YIELD_EVERY_MS = 50;
function macrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Sample-weighted running means of step metrics. */
class MetricMeans {
  private readonly sums = new Map<string, number>();
  private readonly weights = new Map<string, number>();

  add(metrics: StepMetrics, weight: number): void {
    for (const [name, value] of Object.entries(metrics)) {
      this.sums.set(name, (this.sums.get(name) ?? 0) + value * weight);
      this.weights.set(name, (this.weights.get(name) ?? 0) + weight);
    }
  }

  means(): TrainSummary {
    const out: Record<string, number> = {};
    for (const [name, sum] of this.sums) out[name] = sum / (this.weights.get(name) as number);
    return out as TrainSummary;
  }
}

/**
 * Trains `learner` for `epochs` over `data.train` (shuffled with `seed` and the epoch index),
 * evaluating `validation` and `test` after each epoch. Emits `start`, `step`, `epoch`,
 * `checkpoint` and `end` events; sets the learning rate from the schedule each epoch; stops
 * early when `earlyStop` says so; checkpoints every `checkpoint.every` epochs and at the end,
 * and with `keepBest` also the best epoch's params in `<checkpoint.dir>/best` (see BestKeeper).
 * With `resume`, continues the run saved in `checkpoint.dir` exactly: params and optimiser
 * state restored, the same remaining epochs with the same shuffles.
 *
 * Errors: E_CONFIG (bad options), E_DIVERGED (non-finite loss: epoch and step in details),
 * E_CHECKPOINT (resume problems); an aborted `signal` rejects with its reason.
 */
export async function fit(learner: Learner, data: FitData, options: FitOptions): Promise<FitResult> {
  const settings = checkFitOptions(options, data);
  const { epochs, batchSize, seed } = settings;
  const { signal, checkpoint } = options;
  const evalBatchSize = options.evalBatchSize ?? batchSize;
  const emit = async (event: FitEvent): Promise<void> => {
    await options.onEvent?.(event);
  };
  signal?.throwIfAborted();
  const started = now();

  const history: EpochRecord[] = [];
  const stopper = options.earlyStop ? new EarlyStopper(options.earlyStop) : undefined;
  const keeper = settings.keepBest && checkpoint ? new BestKeeper(settings.keepBest, checkpoint) : undefined;
  let stoppedEarly = false;
  let startEpoch = 0;
  if (options.resume && checkpoint) {
    const point = await resumeFrom(checkpoint.dir, learner, settings);
    if (point) {
      startEpoch = point.epoch;
      history.push(...point.trainer.history);
      stoppedEarly = point.trainer.stoppedEarly;
      if (stopper && point.trainer.earlyStop) stopper.restore(point.trainer.earlyStop);
      await keeper?.restore();
    }
  }

  const stepsPerEpoch = Math.ceil(data.train.size / batchSize);
  await emit({ type: 'start', startEpoch, epochs, stepsPerEpoch });
  let lastYield = now();

  for (let epoch = startEpoch + 1; epoch <= epochs && !stoppedEarly; epoch++) {
    const epochStart = now();
    const learningRate = learningRateAt(settings, epoch - 1);
    learner.learningRate = learningRate;
    const means = new MetricMeans();
    let step = 0;
    for await (const batch of data.train.batches({ batchSize, shuffle: true, seed, epoch: epoch - 1 })) {
      signal?.throwIfAborted();
      const metrics = await learner.trainStep(batch);
      step++;
      if (!Number.isFinite(metrics.loss)) {
        throw new PlasticityError(
          'E_DIVERGED',
          `training diverged: loss is ${metrics.loss} at epoch ${epoch}, step ${step} (learning rate ${learningRate}); ` +
            'try a smaller learning rate',
          { epoch, step, loss: metrics.loss, learningRate },
        );
      }
      means.add(metrics, batch.size);
      await emit({ type: 'step', epoch, step, stepsPerEpoch, metrics });
      if (now() - lastYield > YIELD_EVERY_MS) {
        await macrotask();
        lastYield = now();
      }
    }
    if (step === 0)
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `fit: the training split yielded no batches in epoch ${epoch}`,
      );

    const evalOptions = { batchSize: evalBatchSize, signal };
    const validation: EvalResult | undefined =
      data.validation && (await evaluate(learner, data.validation, evalOptions));
    const test: EvalResult | undefined = data.test && (await evaluate(learner, data.test, evalOptions));
    const record: EpochRecord = {
      type: 'epoch',
      epoch,
      learningRate,
      seconds: (now() - epochStart) / 1000,
      train: means.means(),
      ...(validation ? { validation } : {}),
      ...(test ? { test } : {}),
    };
    history.push(record);
    await emit(record);
    if (stopper?.update(record)) stoppedEarly = true;

    const every = checkpoint?.every ?? 1;
    if (checkpoint && (epoch % every === 0 || epoch === epochs || stoppedEarly)) {
      await saveCheckpoint(checkpoint.dir, {
        learner,
        config: checkpoint.config,
        metadata: checkpoint.metadata,
        epoch,
        trainer: {
          fit: settings,
          history,
          stoppedEarly,
          ...(stopper ? { earlyStop: stopper.state() } : {}),
        },
      });
      await emit({ type: 'checkpoint', epoch, dir: checkpoint.dir });
    }
    await keeper?.update(record, learner);
  }

  const seconds = (now() - started) / 1000;
  const completed = history.length > 0 ? history[history.length - 1].epoch : startEpoch;
  await emit({ type: 'end', epochs: completed, stoppedEarly, seconds });
  const test = history.length > 0 ? history[history.length - 1].test : undefined;
  const best = keeper?.best;
  return { history, ...(test ? { test } : {}), stoppedEarly, ...(best ? { best } : {}), seconds };
}
