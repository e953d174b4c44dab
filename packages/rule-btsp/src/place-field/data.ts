import { PlasticityError } from '@plasticity/core-tensors';

/** One spatial bin of one cell: when it was passed, its ramp before, and the ramp's change. */
export interface KernelSample {
  /** Time (s) at which the animal passed the bin, relative to plateau onset. */
  readonly t: number;
  /** Ramp (mV) at the bin before the induction. */
  readonly initialRamp: number;
  /** Change of the ramp (mV) after the induction. */
  readonly deltaRamp: number;
}

const COLUMNS = { t: 't', initialRamp: 'initial_ramp', deltaRamp: 'delta_ramp' } as const;

/**
 * Parses the measured-plasticity CSV of Milstein et al. (columns `t`, `initial_ramp`,
 * `delta_ramp`, any order, more columns ignored). `source` names the file in error messages.
 */
export function parseKernelCsv(text: string, source = 'the data file'): KernelSample[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) {
    throw new PlasticityError('E_DATA_FORMAT', `${source} is empty: expected a CSV with a header`);
  }
  const header = lines[headerIndex].split(',').map((name) => name.trim());
  const index = (name: string): number => {
    const at = header.indexOf(name);
    if (at < 0) {
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `${source}: the header (line ${headerIndex + 1}) has no column '${name}'; found: ${header.join(', ')}`,
        { column: name },
      );
    }
    return at;
  };
  const at = {
    t: index(COLUMNS.t),
    initialRamp: index(COLUMNS.initialRamp),
    deltaRamp: index(COLUMNS.deltaRamp),
  };
  const samples: KernelSample[] = [];
  for (let n = headerIndex + 1; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const fields = lines[n].split(',');
    const line = n + 1;
    if (fields.length !== header.length) {
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `${source}, line ${line}: ${fields.length} fields, the header has ${header.length}`,
        { line },
      );
    }
    const read = (key: keyof typeof COLUMNS): number => {
      const raw = fields[at[key]].trim();
      const value = raw === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `${source}, line ${line}, column '${COLUMNS[key]}': '${raw}' is not a finite number`,
          { line, column: COLUMNS[key] },
        );
      }
      return value;
    };
    samples.push({ t: read('t'), initialRamp: read('initialRamp'), deltaRamp: read('deltaRamp') });
  }
  if (samples.length === 0) {
    throw new PlasticityError('E_DATA_FORMAT', `${source} has a header but no data rows`);
  }
  return samples;
}
