// EventProp on Yin-Yang: a 5-200-3 LIF network, exact spike times, time-to-first-spike loss.
const data = await loadDataset('yinyang'); // generated here, in the page
const rule = getRule('eventprop');
const recipe = resolveRecipe(rule, 'yinyang');
const learner = rule.create(parseConfig(rule, recipe.config), data.task, 0);

const result = await fit(learner, data, {
  ...DEFAULT_FIT_SETTINGS,
  ...recipe.fit,
  epochs, // the recipe trains 150; the page asks for fewer
  signal, // Stop aborts it
  onEvent(event) {
    if (event.type === 'step') progress(event.epoch - 1 + event.step / event.stepsPerEpoch, epochs);
    if (event.type === 'epoch') {
      plot('accuracy', event.epoch, { train: event.train.accuracy, test: event.test.accuracy });
    }
  },
});
const seconds = result.history.reduce((sum, epoch) => sum + epoch.seconds, 0) / result.history.length;
report({ 'test accuracy': result.test.accuracy, 's per epoch': seconds });

// The first test sample: hidden spikes and output voltages (ms).
for await (const batch of data.test.batches({ batchSize: 1, shuffle: false })) {
  const { layers, traces } = await learner.inspect(batch.x, { samples: 1 });
  const hidden = layers[1].samples[0];
  show('raster', hidden.times, { neuron: hidden.units });
  const volts = traces.samples[0];
  const time = Array.from({ length: traces.steps }, (_, k) => k * traces.dt);
  const unit = (u) => time.map((_, k) => volts[k * traces.units + u]);
  show('voltages', time, { yin: unit(0), yang: unit(1), dot: unit(2) });
  report({ 'sample label': data.classNames[(await batch.y.data())[0]] });
  break;
}
learner.dispose();
