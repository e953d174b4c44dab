/** Per-step constants of the exact solution of `τm V̇ = −V + I`, `τs İ = −I` over `dt` (all ms). */
export interface ExpSynapseConstants {
  /** e^(−dt/τm): membrane decay per step. */
  readonly alphaMem: number;
  /** e^(−dt/τs): current decay per step. */
  readonly alphaSyn: number;
  /** How much of I(t) reaches V(t + dt): τs/(τm − τs)·(e^(−dt/τm) − e^(−dt/τs)). */
  readonly coupling: number;
}

/** The exact per-step constants; τm = τs uses the limit (dt/τ)·e^(−dt/τ). */
export function expSynapseConstants(tauMem: number, tauSyn: number, dt: number): ExpSynapseConstants {
  const alphaMem = Math.exp(-dt / tauMem);
  const alphaSyn = Math.exp(-dt / tauSyn);
  // Relative closeness below ~1e-6 would make the difference quotient lose most of its digits.
  const coupling =
    Math.abs(tauMem - tauSyn) < 1e-6 * tauMem
      ? (dt / tauMem) * alphaMem
      : (tauSyn / (tauMem - tauSyn)) * (alphaMem - alphaSyn);
  return { alphaMem, alphaSyn, coupling };
}

/** Whole steps of a refractory period in ms. */
export function refractorySteps(refractory: number, dt: number): number {
  return Math.round(refractory / dt);
}
