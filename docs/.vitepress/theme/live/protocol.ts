// Messages between a live example's page and its Web Worker.

/** Backends the page offers, best first. */
export const BACKENDS = ['webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export function isBackendChoice(value: unknown): value is BackendChoice {
  return BACKENDS.includes(value as BackendChoice);
}

/** Page → worker: run this code. */
export interface RunRequest {
  readonly type: 'run';
  readonly code: string;
  readonly backend: BackendChoice;
  readonly epochs: number;
  /** URL prefix (ending in `/`) the tfjs wasm binaries are served from. */
  readonly wasmPaths: string;
  /** The page's input fields by name (`InputSpec`), in scope for the code under those names. */
  readonly inputs: Record<string, string>;
}

/** Page → worker: abort the run's `signal` (the worker is terminated shortly after anyway). */
export interface StopRequest {
  readonly type: 'stop';
}

export type PageMessage = RunRequest | StopRequest;

/** Worker → page. */
export type WorkerMessage =
  /** The backend the run got: `tf.getBackend()` after `initBackend`, with plasticity's detail. */
  | { readonly type: 'backend'; readonly name: string; readonly detail: string }
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  /** Appends one x (e.g. an epoch) with a value per series. */
  | {
      readonly type: 'plot';
      readonly chart: string;
      readonly x: number;
      readonly values: Record<string, number>;
    }
  /** Replaces a chart's data: x ascending, one array per series. */
  | {
      readonly type: 'show';
      readonly chart: string;
      readonly x: number[];
      readonly values: Record<string, (number | null)[]>;
    }
  | { readonly type: 'report'; readonly values: Record<string, number | string> }
  | { readonly type: 'log'; readonly text: string }
  | { readonly type: 'done'; readonly seconds: number }
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly message: string };

/** A chart a page declares; the example code fills it with `plot` / `show`. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Axis labels. */
  readonly x: string;
  readonly y: string;
  /** Series names, as the code's `plot`/`show` values name them. */
  readonly series: readonly string[];
  /** `lines` (default) joins points; `points` draws dots only (rasters). */
  readonly kind?: 'lines' | 'points';
  /** Fixed y range, e.g. [0, 1] for accuracy. */
  readonly yRange?: readonly [number, number];
}

/**
 * A text field a page declares above the Run button (e.g. a data URL); the code sees its value
 * as a string variable named `name`. A `?<name>=` URL parameter sets it.
 */
export interface InputSpec {
  /** A JavaScript identifier: the variable the code reads. */
  readonly name: string;
  readonly label: string;
  /** The default value; `resolve`, when given, replaces it once the page has loaded. */
  readonly value?: string;
  /** Works out the default in the page (e.g. whether the site has a file) with a note to show. */
  readonly resolve?: () => Promise<{ readonly value: string; readonly note?: string }>;
  /**
   * `url`: resolved against the page's address before it reaches the worker (inside a worker a
   * relative URL would resolve against the worker script), so the code gets an absolute URL.
   */
  readonly kind?: 'text' | 'url';
}
