import type { BtspRuleParams, TrackProtocol } from './constants.js';
import { filterExponential } from './filters.js';
import type { InductionTimeline } from './track.js';

/** Span of both filters, as in the authors' code: 6 × the longer time constant. */
export function filterHorizon(params: BtspRuleParams): number {
  return 6 * Math.max(params.tauEligibility, params.tauInstructive);
}

/**
 * Eligibility traces: each input's rate / peak rate filtered with exp(-t/tau_ET), then all divided
 * by their global maximum over inputs and time (so the largest is 1).
 */
export function eligibilityTraces(
  params: BtspRuleParams,
  track: TrackProtocol,
  centres: Float64Array,
  timeline: InductionTimeline,
): Float64Array[] {
  const half = track.trackLength / 2;
  const rate = new Float64Array(timeline.position.length);
  const traces = Array.from(centres, (c) => {
    // inputRate / peak rate, inlined: this loop is the experiment's hottest.
    for (let n = 0; n < rate.length; n++) {
      let d = timeline.position[n] - c;
      if (d > half) d -= track.trackLength;
      else if (d <= -half) d += track.trackLength;
      d /= track.fieldScale;
      rate[n] = Math.exp(-d * d);
    }
    return filterExponential(rate, params.tauEligibility, timeline.dt, filterHorizon(params));
  });
  let peak = 0;
  for (const trace of traces) for (const v of trace) peak = Math.max(peak, v);
  if (peak > 0) for (const trace of traces) for (let n = 0; n < trace.length; n++) trace[n] /= peak;
  return traces;
}

/** Instructive signal: the plateau gate filtered with exp(-t/tau_IS), divided by its peak. */
export function instructiveSignal(params: BtspRuleParams, timeline: InductionTimeline): Float64Array {
  const signal = filterExponential(
    timeline.plateauGate,
    params.tauInstructive,
    timeline.dt,
    filterHorizon(params),
  );
  let peak = 0;
  for (const v of signal) peak = Math.max(peak, v);
  if (peak > 0) for (let n = 0; n < signal.length; n++) signal[n] /= peak;
  return signal;
}
