// A training Web Worker for the browser test: softmax regression, as on the page.
import { runWebTrainingWorker } from '../../../index.js';
import { softmaxLearner } from '../softmax-learner.js';

void runWebTrainingWorker(({ seed }) => softmaxLearner(seed));
