// A training Web Worker for EASGD examples (`easgd.createWebWorkerLearner`): started from the
// live example's own worker (a nested worker) by the `trainingWorker()` helper. It builds the
// learner the setup names with plasticity's built-in rules, then trains around the center.
import { getRule } from 'plasticity';
import { runWebTrainingWorker } from '@plasticity/optimizers-easgd';

void runWebTrainingWorker((setup) =>
  getRule(setup.rule).create(setup.config as never, setup.task, setup.seed),
);
