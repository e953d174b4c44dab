// Forward-Forward on MNIST: two layers of 1000 ReLUs, each trained only by its own objective:
// high goodness (sum of squared activities) for an image with its true label written in,
// low goodness for the same image with a wrong label.
const data = await loadDataset('mnist', { baseUrl: mnistUrl, limit: { train: 2000, test: 500 } });
const rule = getRule('forward-forward');
const recipe = resolveRecipe(rule, 'mnist');
const learner = rule.create(parseConfig(rule, recipe.config), data.task, 0);

const result = await fit(learner, data, {
  ...recipe.fit,
  epochs, // the recipe trains 25 epochs on all 60,000 images
  seed: 0,
  signal, // Stop aborts it
  onEvent(e) {
    if (e.type === 'step') progress(e.epoch - 1 + e.step / e.stepsPerEpoch, epochs);
    if (e.type === 'epoch') {
      plot('accuracy', e.epoch, { train: e.train.accuracy, test: e.test.accuracy });
      plot('goodness', e.epoch, {
        'layer 1 positive': e.train.goodnessPositive1,
        'layer 1 negative': e.train.goodnessNegative1,
        'layer 2 positive': e.train.goodnessPositive2,
        'layer 2 negative': e.train.goodnessNegative2,
      });
    }
  },
});
const seconds = result.history.reduce((sum, epoch) => sum + epoch.seconds, 0) / result.history.length;
report({ 'test accuracy': result.test.accuracy, 's per epoch': seconds });
learner.dispose();
