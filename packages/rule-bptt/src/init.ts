import { PlasticityError } from '@plasticity/core-tensors';
import type { NormalInit } from './config.js';

/**
 * Peak of the membrane response to a unit jump of the current, `τs/(τm−τs)·(e^(−t/τm) − e^(−t/τs))`
 * at its maximum (`1/e` when τm = τs). Weights divided by it are in units of "peak voltage".
 */
export function pspPeak(tauMem: number, tauSyn: number): number {
  if (Math.abs(tauMem - tauSyn) < 1e-6 * tauMem) return Math.exp(-1);
  const tPeak = ((tauMem * tauSyn) / (tauMem - tauSyn)) * Math.log(tauMem / tauSyn);
  return (tauSyn / (tauMem - tauSyn)) * (Math.exp(-tPeak / tauMem) - Math.exp(-tPeak / tauSyn));
}

/**
 * Default feed-forward init: std σ such that `fanIn` inputs spiking once each sum to a peak
 * voltage of standard deviation 1 (the threshold's scale), and mean σ/2 so that sparse input
 * (a latency code spikes once per channel) still makes most neurons fire.
 */
export function defaultInit(fanIn: number, tauMem: number, tauSyn: number): NormalInit {
  const std = 1 / (pspPeak(tauMem, tauSyn) * Math.sqrt(fanIn));
  return { mean: std / 2, std };
}

/** Default recurrent init: mean 0 (no net excitation loop), σ as for feed-forward kernels of fan-in `units`. */
export function defaultRecurrentInit(units: number, tauMem: number, tauSyn: number): NormalInit {
  return { mean: 0, std: defaultInit(units, tauMem, tauSyn).std };
}

/** The init of each feed-forward kernel (hidden layers, then readout): the config's or the default. */
export function kernelInits(
  fanIns: readonly number[],
  configured: readonly NormalInit[] | undefined,
  tauMem: number,
  tauSyn: number,
): NormalInit[] {
  if (configured === undefined) return fanIns.map((n) => defaultInit(n, tauMem, tauSyn));
  if (configured.length !== fanIns.length) {
    throw new PlasticityError(
      'E_CONFIG',
      `bptt: init lists ${configured.length} layers, the network has ${fanIns.length} (hidden layers then readout)`,
      { field: 'init', expected: fanIns.length, got: configured.length },
    );
  }
  return [...configured];
}
