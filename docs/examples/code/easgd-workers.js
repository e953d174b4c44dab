// EASGD (Zhang, Choromanska & LeCun, 2015): `workers` Web Workers train copies of a 4-120-3 MLP
// on Yin-Yang and every `tau` of their steps pull elastically towards a center, which they pull
// in turn; the center is what is evaluated. Then one worker alone, for comparison.
const workers = 2; // training Web Workers around the center
const tau = 4; // steps between a worker's exchanges with the center

const data = await loadDataset('yinyang');
const rule = getRule('backprop');
const recipe = resolveRecipe(rule, 'yinyang');
const config = parseConfig(rule, recipe.config);
const settings = { ...DEFAULT_FIT_SETTINGS, ...recipe.fit, epochs, signal };
const steps = []; // steps each training worker answered
const stepCounts = () => Object.fromEntries(steps.map((n, i) => [`worker ${i + 1} steps`, n]));

const learner = await easgd.createWebWorkerLearner({
  center: rule.create(config, data.task, 0), // its params hold the center
  worker: () => {
    const index = steps.push(0) - 1;
    const worker = trainingWorker(); // a Web Worker started from this one
    worker.addEventListener('message', (event) => {
      if (event.data.ok && event.data.metrics) steps[index]++;
    });
    return worker;
  },
  rule: rule.name,
  config,
  task: data.task,
  seed: 0,
  easgd: easgd.parseEasgdConfig({ method: 'easgd', workers, tau }).config,
  backend, // each worker starts the same backend
  wasmPaths,
});
report({ workers: learner.workers, 'center store': learner.centerStore });

let begin = performance.now();
try {
  await fit(learner, data, {
    ...settings,
    onEvent(event) {
      if (event.type === 'step') progress(event.epoch - 1 + event.step / event.stepsPerEpoch, 2 * epochs);
      if (event.type !== 'epoch') return;
      const seconds = (performance.now() - begin) / 1000;
      plot('accuracy', event.epoch, { 'center (EASGD)': event.test.accuracy });
      plot('time', seconds, { 'center (EASGD)': event.test.accuracy });
      report({ 'center accuracy': event.test.accuracy, 'center seconds': seconds, ...stepCounts() });
    },
  });
} finally {
  learner.dispose(); // stops the workers
}

// One worker alone: the same network and settings, plain SGD here in this worker.
const alone = rule.create(config, data.task, 0);
begin = performance.now();
await fit(alone, data, {
  ...settings,
  onEvent(event) {
    if (event.type === 'step')
      progress(epochs + event.epoch - 1 + event.step / event.stepsPerEpoch, 2 * epochs);
    if (event.type !== 'epoch') return;
    const seconds = (performance.now() - begin) / 1000;
    plot('accuracy', event.epoch, { 'one worker': event.test.accuracy });
    plot('time', seconds, { 'one worker': event.test.accuracy });
    report({ 'one worker accuracy': event.test.accuracy, 'one worker seconds': seconds });
  },
});
alone.dispose();
