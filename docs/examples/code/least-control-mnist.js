// Least-control on MNIST: a controller steers a 784-256-10 tanh network's output to the
// target; each layer learns locally from the control it receives.
const data = await loadDataset('mnist', { baseUrl: mnistUrl, limit: { train: 2000, test: 500 } });
const rule = getRule('least-control');
const recipe = resolveRecipe(rule, 'mnist');
const learner = rule.create(parseConfig(rule, recipe.config), data.task, 0);

const result = await fit(learner, data, {
  ...recipe.fit,
  epochs, // the recipe trains 30 epochs on all 60,000 images
  seed: 0,
  signal, // Stop aborts it
  onEvent(e) {
    if (e.type === 'step') progress(e.epoch - 1 + e.step / e.stepsPerEpoch, epochs);
    if (e.type === 'epoch') {
      plot('accuracy', e.epoch, { train: e.train.accuracy, test: e.test.accuracy });
      const { controlEffort, controlU, controlE } = e.train; // means over the epoch's steps
      plot('control', e.epoch, { effort: controlEffort, 'mean |u|': controlU, 'mean |e|': controlE });
    }
  },
});
const seconds = result.history.reduce((sum, epoch) => sum + epoch.seconds, 0) / result.history.length;
report({ 'test accuracy': result.test.accuracy, 's per epoch': seconds });
learner.dispose();
