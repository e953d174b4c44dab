import { z } from 'zod';
import { validateWithSchema } from '@plasticity/core-tensors';

const positive = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);
const dt = positive(1, 'Time step in ms.');
const refractory = z
  .number()
  .min(0)
  .default(0)
  .describe('Refractory period in ms (rounded to whole steps): the membrane is held at 0 and cannot spike.');
const reset = z
  .enum(['subtract', 'zero'])
  .default('subtract')
  .describe('Reset after a spike: subtract the threshold, or set the membrane to 0.');

const lifExpSchema = z.strictObject({
  tauMem: positive(20, 'Membrane time constant τm in ms.'),
  tauSyn: positive(5, 'Synaptic current time constant τs in ms.'),
  threshold: positive(1, 'Firing threshold ϑ.'),
  dt,
  refractory,
});
const lifSchema = z.strictObject({
  tauMem: positive(20, 'Membrane time constant in ms; β = e^(−dt/τm).'),
  threshold: positive(1, 'Firing threshold ϑ.'),
  reset,
  dt,
  refractory,
});
const integrateAndFireSchema = z.strictObject({
  threshold: positive(1, 'Firing threshold ϑ.'),
  reset,
  dt,
  refractory,
});
const alifSchema = z.strictObject({
  tauMem: positive(20, 'Membrane time constant in ms; β = e^(−dt/τm).'),
  tauAdapt: positive(200, 'Adaptation time constant in ms; ρ = e^(−dt/τa).'),
  threshold: positive(1, 'Baseline threshold ϑ0.'),
  adaptation: z.number().min(0).default(1.8).describe('Threshold increase per unit of adaptation trace.'),
  reset,
  dt,
  refractory,
});
const leakyIntegratorSchema = z.strictObject({
  tauMem: positive(20, 'Membrane time constant τm in ms.'),
  tauSyn: positive(5, 'Synaptic current time constant τs in ms.'),
  dt,
});

const gatedThetaSchema = z.strictObject({
  tauMem: positive(5, 'Phase time constant τ in ms: τ dθ/dt = (1 − cos θ) + (1 + cos θ)·I.'),
  tauSyn: positive(10, 'Synaptic time constant τs in ms of the gated output s.'),
  gateWidth: z
    .number()
    .positive()
    .max(2 * Math.PI)
    .default(1)
    .describe('Width Δ in radians of the raised-cosine gate g(θ) centred on the spike phase θ = π.'),
  dt,
});

type Freeze<Kind extends string, T> = Readonly<T & { kind: Kind }>;
/** LIF with an exponential current synapse, integrated exactly per step, absolute reset. */
export type LifExpParams = Freeze<'lifExp', z.output<typeof lifExpSchema>>;
/** snnTorch-style discrete LIF: `mem ← β·mem + input − s·ϑ`. */
export type LifParams = Freeze<'lif', z.output<typeof lifSchema>>;
/** Integrate-and-fire without leak: `v ← v + input − s·ϑ`. */
export type IntegrateAndFireParams = Freeze<'integrateAndFire', z.output<typeof integrateAndFireSchema>>;
/** Adaptive-threshold LIF (Bellec et al. 2018 LSNN style). */
export type AlifParams = Freeze<'alif', z.output<typeof alifSchema>>;
/** Non-spiking leaky integrator with an exponential current synapse (a readout). */
export type LeakyIntegratorParams = Freeze<'leakyIntegrator', z.output<typeof leakyIntegratorSchema>>;
/**
 * Theta neuron with a gated synapse (Huh & Sejnowski 2018): no threshold and no reset; its
 * output is `g(θ) dθ/dt` filtered with τs, one unit per passage of the phase through π.
 */
export type GatedThetaParams = Freeze<'gatedTheta', z.output<typeof gatedThetaSchema>>;
/** Any spiking neuron model. */
export type NeuronParams = LifExpParams | LifParams | IntegrateAndFireParams | AlifParams;

function build<Kind extends string, T>(kind: Kind, schema: z.ZodType<T>, raw: unknown): Freeze<Kind, T> {
  const parsed = validateWithSchema(schema, raw ?? {}, { what: `${kind} parameters` });
  return Object.freeze({ kind, ...parsed }) as Freeze<Kind, T>;
}

/** Input type of each factory: every field optional. */
export type LifExpParamsInput = z.input<typeof lifExpSchema>;
export type LifParamsInput = z.input<typeof lifSchema>;
export type IntegrateAndFireParamsInput = z.input<typeof integrateAndFireSchema>;
export type AlifParamsInput = z.input<typeof alifSchema>;
export type LeakyIntegratorParamsInput = z.input<typeof leakyIntegratorSchema>;
export type GatedThetaParamsInput = z.input<typeof gatedThetaSchema>;

/** Frozen `lifExp` parameters (defaults τm 20 ms, τs 5 ms, ϑ 1, dt 1 ms); E_CONFIG names a bad field. */
export function lifExpParams(input: LifExpParamsInput = {}): LifExpParams {
  return build('lifExp', lifExpSchema, input);
}
/** Frozen `lif` parameters (defaults τm 20 ms, ϑ 1, subtractive reset, dt 1 ms). */
export function lifParams(input: LifParamsInput = {}): LifParams {
  return build('lif', lifSchema, input);
}
/** Frozen integrate-and-fire parameters (defaults ϑ 1, subtractive reset, dt 1 ms). */
export function integrateAndFireParams(input: IntegrateAndFireParamsInput = {}): IntegrateAndFireParams {
  return build('integrateAndFire', integrateAndFireSchema, input);
}
/** Frozen ALIF parameters (defaults τm 20 ms, τa 200 ms, ϑ0 1, adaptation 1.8, dt 1 ms). */
export function alifParams(input: AlifParamsInput = {}): AlifParams {
  return build('alif', alifSchema, input);
}
/** Frozen leaky-integrator readout parameters (defaults τm 20 ms, τs 5 ms, dt 1 ms). */
export function leakyIntegratorParams(input: LeakyIntegratorParamsInput = {}): LeakyIntegratorParams {
  return build('leakyIntegrator', leakyIntegratorSchema, input);
}
/** Frozen gated-synapse theta neuron parameters (defaults τ 5 ms, τs 10 ms, gate width 1 rad, dt 1 ms). */
export function gatedThetaParams(input: GatedThetaParamsInput = {}): GatedThetaParams {
  return build('gatedTheta', gatedThetaSchema, input);
}
