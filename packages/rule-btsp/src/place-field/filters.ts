/**
 * The authors' exponential filter: `exp(-t/tau)` sampled every dt over `[0, horizon)`, cut where it
 * falls below 0.001 of its peak, normalised to unit sum; signals are causal convolutions with it.
 * (Their code spans 6 × the longer of the two time constants, so the slow eligibility kernel ends
 * at 6 tau_ET, before it reaches 0.001.)
 */
export function exponentialKernel(tau: number, dt: number, horizon = Infinity): Float64Array {
  const length = kernelLength(tau, dt, horizon);
  const kernel = new Float64Array(length);
  let sum = 0;
  for (let k = 0; k < length; k++) {
    kernel[k] = Math.exp(-(k * dt) / tau);
    sum += kernel[k];
  }
  for (let k = 0; k < length; k++) kernel[k] /= sum;
  return kernel;
}

/** Samples kept: k dt < horizon and exp(-k dt/tau) >= 0.001. */
function kernelLength(tau: number, dt: number, horizon: number): number {
  const aboveFloor = Math.ceil((tau * Math.log(1000)) / dt - 1e-9);
  const withinHorizon = Math.ceil(horizon / dt - 1e-9);
  return Math.max(1, Math.min(aboveFloor, withinHorizon));
}

/** Causal convolution `y[n] = Σ_k kernel[k] x[n - k]` (direct; the reference for the fast form). */
export function convolveCausal(signal: Float64Array, kernel: Float64Array): Float64Array {
  const out = new Float64Array(signal.length);
  for (let n = 0; n < signal.length; n++) {
    let acc = 0;
    const kMax = Math.min(kernel.length - 1, n);
    for (let k = 0; k <= kMax; k++) acc += kernel[k] * signal[n - k];
    out[n] = acc;
  }
  return out;
}

/**
 * The same convolution with {@link exponentialKernel} in O(n): a truncated geometric kernel
 * `c·a^k, k < L` obeys `y[n] = a y[n-1] + c (x[n] - a^L x[n-L])`.
 */
export function filterExponential(
  signal: Float64Array,
  tau: number,
  dt: number,
  horizon = Infinity,
): Float64Array {
  const length = kernelLength(tau, dt, horizon);
  const decay = Math.exp(-dt / tau);
  const tail = Math.pow(decay, length);
  // 1 / Σ_{k<L} decay^k: the first kernel sample after normalisation to unit sum.
  const scale = (1 - decay) / (1 - tail);
  const out = new Float64Array(signal.length);
  let state = 0;
  for (let n = 0; n < signal.length; n++) {
    const leaving = n >= length ? signal[n - length] : 0;
    state = decay * state + signal[n] - tail * leaving;
    out[n] = scale * state;
  }
  return out;
}
