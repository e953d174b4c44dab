// The same 5-200-3 network and input code trained two ways, each rule with its Yin-Yang recipe:
// EventProp (exact spike times, adjoint backward pass) and surrogate-gradient BPTT (1 ms grid).
const data = await loadDataset('yinyang');
const rules = ['eventprop', 'bptt'];
for (const [k, name] of rules.entries()) {
  const rule = getRule(name);
  const recipe = resolveRecipe(rule, 'yinyang');
  const learner = rule.create(parseConfig(rule, recipe.config), data.task, 0);
  const result = await fit(learner, data, {
    ...DEFAULT_FIT_SETTINGS,
    ...recipe.fit,
    epochs,
    signal,
    onEvent(event) {
      const epochsDone = k * epochs + event.epoch - 1;
      if (event.type === 'step')
        progress(epochsDone + event.step / event.stepsPerEpoch, rules.length * epochs);
      if (event.type === 'epoch') {
        plot('accuracy', event.epoch, { [name]: event.test.accuracy });
        plot('time', event.epoch, { [name]: event.seconds });
      }
    },
  });
  const seconds = result.history.reduce((sum, epoch) => sum + epoch.seconds, 0) / result.history.length;
  report({ [`${name} accuracy`]: result.test.accuracy, [`${name} s per epoch`]: seconds });
  learner.dispose();
}
