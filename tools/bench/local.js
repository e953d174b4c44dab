// Suite `local`: training throughput of the local rules against backprop on the same network,
// on wasm (the Node default), in one process: Forward-Forward (one thread and every core)
// vs backprop on its MNIST recipe network, least-control, BTSP and STDP vs backprop on their own.
// Seeded synthetic MNIST-sized batches; ratios are against backprop in this run.
import { initBackend, parseConfig, resolveRecipe } from '@plasticity/core-tensors';
import { backpropRule } from '@plasticity/rule-backprop';
import { btspRule } from '@plasticity/rule-btsp';
import { forwardForwardRule } from '@plasticity/rule-forward-forward';
import { leastControlRule } from '@plasticity/rule-least-control';
import { stdpRule } from '@plasticity/rule-stdp';
import { measureTraining } from './mnist-sized.js';
import { printTable, rate } from './table.js';

const FEATURES = 784;
const CLASSES = 10;

/** The cases: each local rule at its MNIST recipe, and backprop on the same layer sizes. */
function cases() {
  const ff = resolveRecipe(forwardForwardRule, 'mnist');
  const ffConfig = parseConfig(forwardForwardRule, ff.config);
  const lcp = resolveRecipe(leastControlRule, 'mnist');
  const lcpConfig = parseConfig(leastControlRule, lcp.config);
  const lcpHidden = lcpConfig.hidden ?? [256];
  const net = (hidden) => [FEATURES, ...hidden, CLASSES].join('-');
  const ffBatch = ff.fit.batchSize;
  const lcpBatch = lcp.fit.batchSize;
  const btsp = resolveRecipe(btspRule, 'mnist');
  const btspConfig = parseConfig(btspRule, btsp.config);
  const btspBatch = btsp.fit.batchSize;
  const stdp = resolveRecipe(stdpRule, 'mnist');
  const stdpConfig = parseConfig(stdpRule, stdp.config);
  const stdpBatch = stdp.fit.batchSize;
  return [
    {
      group: 'ff',
      name: 'backprop',
      rule: backpropRule,
      config: { hidden: ffConfig.hidden },
      batchSize: ffBatch,
      network: net(ffConfig.hidden),
    },
    {
      group: 'ff',
      name: 'forward-forward, 1 thread',
      rule: forwardForwardRule,
      config: { ...ffConfig, threads: 1 },
      batchSize: ffBatch,
      network: net(ffConfig.hidden),
    },
    {
      group: 'ff',
      name: 'forward-forward, auto threads',
      rule: forwardForwardRule,
      config: { ...ffConfig, threads: 'auto' },
      batchSize: ffBatch,
      network: net(ffConfig.hidden),
    },
    {
      group: 'lcp',
      name: 'backprop',
      rule: backpropRule,
      config: { hidden: lcpHidden, activation: 'tanh' },
      batchSize: lcpBatch,
      network: net(lcpHidden),
    },
    {
      group: 'lcp',
      name: 'least-control',
      rule: leastControlRule,
      config: lcpConfig,
      batchSize: lcpBatch,
      network: net(lcpHidden),
    },
    {
      group: 'btsp',
      name: 'backprop',
      rule: backpropRule,
      config: { hidden: btspConfig.hidden },
      batchSize: btspBatch,
      network: net(btspConfig.hidden),
    },
    {
      // Online on the host: one sample at a time, only plateauing units' rows updated. Synthetic
      // inputs are dense (every pixel active), so this is the update's worst case.
      group: 'btsp',
      name: 'btsp',
      rule: btspRule,
      config: btspConfig,
      batchSize: btspBatch,
      network: net(btspConfig.hidden),
    },
    {
      group: 'stdp',
      name: 'backprop',
      rule: backpropRule,
      config: { hidden: [stdpConfig.hidden] },
      batchSize: stdpBatch,
      network: net([stdpConfig.hidden]),
    },
    {
      // The spiking layer on the host, 50 steps a sample. Synthetic pixels are all nonzero (about
      // 4× the input spikes of a real digit), so this is slower than training on MNIST.
      group: 'stdp',
      name: 'stdp',
      rule: stdpRule,
      config: stdpConfig,
      batchSize: stdpBatch,
      network: net([stdpConfig.hidden]),
    },
  ];
}

async function measure(c, seconds) {
  const measured = await measureTraining(c.rule, c.config, c.batchSize, seconds, 'local');
  return { group: c.group, rule: c.name, network: c.network, batchSize: c.batchSize, ...measured };
}

/** Runs the suite; returns its results and prints a table unless `json`. */
export async function runLocalSuite({ seconds, json, progress }) {
  await initBackend('wasm');
  const results = [];
  for (const c of cases()) {
    try {
      results.push(await measure(c, seconds));
    } catch (error) {
      results.push({
        group: c.group,
        rule: c.name,
        network: c.network,
        error: String(error?.message ?? error),
      });
    }
    progress();
  }
  for (const r of results) {
    const ref = results.find((q) => q.group === r.group && q.rule === 'backprop' && !q.error);
    if (!r.error && ref) r.vsBackprop = r.samplesPerSecond / ref.samplesPerSecond;
  }
  if (!json) {
    const rows = [['network', 'rule', 'batch', 'threads', 'samples/s', 'vs backprop', 'ms/step']];
    for (const r of results) {
      rows.push(
        r.error
          ? [r.network, r.rule, '', '', 'error', '', r.error]
          : [
              r.network,
              r.rule,
              r.batchSize,
              r.threads,
              rate(r.samplesPerSecond),
              `${r.vsBackprop.toFixed(2)}x`,
              r.msPerStep.toFixed(1),
            ],
      );
    }
    printTable(
      'local: local learning rules vs backprop on the same network (wasm, synthetic MNIST-sized batches)',
      rows,
      '(ratios are vs backprop in this run; backprop runs on one thread)',
    );
  }
  return results;
}
