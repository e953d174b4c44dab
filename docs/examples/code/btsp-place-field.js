// BTSP (Milstein et al., eLife 2021): a silent CA1 cell on a 187 cm circular track gets a 300 ms
// dendritic plateau at `plateauAt` on each lap; the weight-dependent rule turns it into a field.
const plateauAt = 120; // cm: where the plateau happens (edit me, 0–187)
const laps = epochs; // the "epochs" field counts laps here
const msPerLap = 500; // a pause per lap, to watch it: the arithmetic takes milliseconds

const { MILSTEIN_2021_PARAMS: params, MILSTEIN_2021_TRACK: track } = btsp;
const positions = btsp.positionGrid(track.trackLength, 187); // 1 cm readout bins
const setup = btsp.inductionSetup(params, track, plateauAt, laps); // inputs, plateaus, traces
const rates = btsp.rateMaps(track, setup.centres, positions); // each input's rate vs position
const maps = btsp.inductionMaps(params, setup, 'per-lap'); // the rule, one map per lap
let weights = btsp.silentWeights(track.inputs); // W = 1 everywhere: no field

const ramps = {};
const lapWeights = {};
for (let lap = 1; lap <= laps; lap++) {
  signal.throwIfAborted(); // Stop
  [weights] = btsp.induceWeights(params, [maps[lap - 1]], weights); // one lap with a plateau
  const ramp = btsp.rampFromWeights(track, weights, rates); // depolarisation (mV) vs position
  const peak = btsp.rampPeak(ramp, positions, track.trackLength);
  const before = btsp.offsetBefore(peak.position, plateauAt, track.trackLength);
  ramps[`lap ${lap}`] = ramp;
  lapWeights[`lap ${lap}`] = weights;
  show('ramp', positions, ramps);
  show('weights', setup.centres, lapWeights);
  plot('peak', lap, { 'peak (mV)': peak.amplitude, 'cm before the plateau': before });
  report({ [`lap ${lap} peak (mV)`]: peak.amplitude, [`lap ${lap} peak before plateau (cm)`]: before });
  progress(lap, laps);
  await new Promise((resolve) => setTimeout(resolve, msPerLap));
}
