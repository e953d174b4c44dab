// Entry of one training thread of `train --parallel`: registers the built-in rules and the run's
// plugins, then trains its own copy of the learner around the shared center.
import { parentPort, workerData } from 'node:worker_threads';
import { getRule } from '@plasticity/core-tensors';
import { runTrainingThread } from '@plasticity/optimizers-easgd';
import type { ThreadPort, ThreadSetup } from '@plasticity/optimizers-easgd';
import '../cli/builtin-rules.js';
import { importPlugins } from '../cli/plugins.js';

const setup = workerData as ThreadSetup;
await importPlugins(setup.modules);
await runTrainingThread(parentPort as unknown as ThreadPort, setup, ({ rule, config, task, seed }) =>
  getRule(rule).create(config as never, task, seed),
);
