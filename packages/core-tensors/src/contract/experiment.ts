import type { ZodType } from 'zod';
import type { RulePackage } from './plugin.js';

/** One named curve of a chart: `[x, y]` points; non-finite y values leave a gap. */
export interface ExperimentSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** Drawn dashed (a reference: measured data, a closed form) instead of solid. */
  readonly dashed?: boolean;
}

/** A line chart an experiment's report shows. */
export interface ExperimentChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ExperimentSeries[];
  /** One or two sentences under the chart: what it shows and how it was computed. */
  readonly caption?: string;
  /** Logarithmic x axis (items stored, sizes). */
  readonly logX?: boolean;
}

/** A table an experiment's report shows (figures against targets, binned data). */
export interface ExperimentTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly caption?: string;
}

/** What an experiment measured: `figures` is printed as one JSON object; the rest is the report. */
export interface ExperimentResult {
  readonly figures: Readonly<Record<string, unknown>>;
  readonly charts: readonly ExperimentChart[];
  readonly tables?: readonly ExperimentTable[];
}

export interface ExperimentContext {
  /** Seed of every random draw the experiment makes. */
  readonly seed: number;
  /** Progress for long experiments: a short message and, when known, the fraction done. */
  readonly onProgress?: (message: string, fraction?: number) => void;
  /** Stops a long experiment between its stages: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Reads a text file the user named in an option (measured data to compare with). The host
   * provides it (the CLI reads from disk); without it such options are refused, so the
   * experiments themselves stay free of Node APIs.
   */
  readonly readText?: (path: string) => Promise<string>;
}

/**
 * A reproducible measurement a package ships (a rule's published experiment), runnable from the
 * CLI as `plasticity experiment <name>`. `optionsSchema` validates options and fills defaults.
 */
export interface ExperimentPlugin<Options = unknown> {
  /** Registry and CLI key, kebab-case, prefixed by the rule (`'btsp-place-field'`). */
  readonly name: string;
  readonly summary: string;
  readonly optionsSchema: ZodType<Options>;
  readonly package?: RulePackage;
  run(options: Options, context: ExperimentContext): Promise<ExperimentResult>;
}
