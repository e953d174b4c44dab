import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { weightDependence } from './binning.js';
import { parseKernelCsv } from './data.js';
import { kernelCsv } from './test-data.test-util.js';

function formatError(text: string): string {
  try {
    parseKernelCsv(text, 'k.csv');
  } catch (error) {
    expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected E_DATA_FORMAT');
}

describe('parseKernelCsv', () => {
  test('reads columns by name, in any order, with CRLF, blank lines and extra columns', () => {
    const rows = parseKernelCsv('cell,delta_ramp,t,initial_ramp\r\n3,1.5,-0.25,0\r\n\r\n3,-2,1e-1,7.5\r\n');
    expect(rows).toEqual([
      { t: -0.25, initialRamp: 0, deltaRamp: 1.5 },
      { t: 0.1, initialRamp: 7.5, deltaRamp: -2 },
    ]);
  });

  test('says which line and column is wrong', () => {
    expect(formatError('t,initial_ramp,delta_ramp\n1,2,3\n1,x,3\n')).toBe(
      "k.csv, line 3, column 'initial_ramp': 'x' is not a finite number",
    );
    expect(formatError('t,initial_ramp,delta_ramp\n1,2,\n')).toMatch(/line 2, column 'delta_ramp': ''/);
    expect(formatError('t,initial_ramp,delta_ramp\n1,2\n')).toMatch(/line 2: 2 fields, the header has 3/);
    expect(formatError('t,initial,delta_ramp\n1,2,3\n')).toMatch(/no column 'initial_ramp'/);
    expect(formatError('\n\n')).toMatch(/empty/);
    expect(formatError('t,initial_ramp,delta_ramp\n')).toMatch(/no data rows/);
  });

  const { text, real, path } = kernelCsv();
  test(`weight dependence in the measured kernel (${real ? 'the real data' : 'the committed fixture; the real data is absent'}: ${path.split('/').slice(-1)[0]})`, () => {
    const rows = parseKernelCsv(text);
    if (real) expect(rows.length).toBe(4772);
    const signature = weightDependence(rows);
    expect(signature.lowCount).toBeGreaterThanOrEqual(5);
    expect(signature.highCount).toBeGreaterThanOrEqual(5);
    // Near the plateau, weakly depolarised bins potentiate and strongly depolarised ones depress.
    expect(signature.lowMeanMv).toBeGreaterThan(1);
    expect(signature.highMeanMv).toBeLessThan(0);
  });
});
