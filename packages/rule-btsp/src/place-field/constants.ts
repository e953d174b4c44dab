/**
 * The weight-dependent BTSP rule of Milstein et al. (eLife 2021, model "WD_D"), constants of the
 * synthetic/network fit as the authors' code stores them (neurosutras/BTSP), and the induction
 * protocol of their place-field experiment.
 */
export interface BtspRuleParams {
  /** Potentiation rate k+ (1/s). */
  readonly kPlus: number;
  /** Depression rate k- (1/s). */
  readonly kMinus: number;
  /** Threshold and half-width of the potentiation gain q+. */
  readonly thetaPlus: number;
  readonly halfWidthPlus: number;
  /** Threshold and half-width of the depression gain q-. */
  readonly thetaMinus: number;
  readonly halfWidthMinus: number;
  /** Decay of the eligibility trace (s). */
  readonly tauEligibility: number;
  /** Decay of the instructive signal (s). */
  readonly tauInstructive: number;
  /** Weight at w = 1 (a silent cell has W = 1). */
  readonly maxWeight: number;
}

export const MILSTEIN_2021_PARAMS: BtspRuleParams = Object.freeze({
  kPlus: 1.109682,
  kMinus: 0.4249387,
  thetaPlus: 0.4150117,
  halfWidthPlus: 0.4541096,
  thetaMinus: 0.02618154,
  halfWidthMinus: 0.09977173,
  tauEligibility: 1.664103,
  tauInstructive: 0.4370065,
  maxWeight: 4.680311,
});

/** The track, its inputs and the readout of the place-field induction experiment. */
export interface TrackProtocol {
  /** Circular track length (cm). */
  readonly trackLength: number;
  /** Constant running speed (cm/s). */
  readonly runSpeed: number;
  /** Number of spatially tuned inputs, centres evenly spaced (first at half a spacing). */
  readonly inputs: number;
  /** Peak rate of an input's Gaussian field (Hz); the eligibility trace reads rate / peakRate. */
  readonly peakRate: number;
  /** Gaussian length scale of an input field (cm): 90 cm field width / (3 sqrt 2). */
  readonly fieldScale: number;
  /** Plateau duration (s). */
  readonly plateauDuration: number;
  /** Simulation step (s): the authors' 10 ms sampling. */
  readonly dt: number;
  /** Ramp scaling factor (mV per Hz per unit weight change). */
  readonly rampScale: number;
}

export const MILSTEIN_2021_TRACK: TrackProtocol = Object.freeze({
  trackLength: 187,
  runSpeed: 25,
  inputs: 200,
  peakRate: 40,
  fieldScale: 90 / 3 / Math.SQRT2,
  plateauDuration: 0.3,
  dt: 0.01,
  rampScale: 3.7734e-3,
});

/** Published targets of the first induction (3 laps at 120 cm) the experiment checks. */
export const MILSTEIN_2021_TARGETS = Object.freeze({
  rampPeakMv: 8,
  peakOffsetBeforePlateauCm: 12.5,
});
