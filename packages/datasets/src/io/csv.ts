import { formatError } from './errors.js';

export interface CsvOptions {
  /** First row is a header: `true`, `false`, or `'auto'` (default): a header when any first-row cell is not a number. */
  readonly header?: boolean | 'auto';
  /**
   * Which column holds class labels: a 0-based index (negative counts from the end), a header
   * name, or `null` for none (default: `null`). Labels must be whole numbers ≥ 0.
   */
  readonly labelColumn?: number | string | null;
  /** Cell separator (default `,`). */
  readonly delimiter?: string;
}

export interface CsvData {
  /** `[rows, columns]` row-major, label column removed. */
  readonly features: Float32Array;
  readonly shape: readonly [number, number];
  readonly labels?: Int32Array;
  /** Header names of the feature columns, when the file has a header. */
  readonly columns?: readonly string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/**
 * Parses numeric CSV text. Every cell must be a finite decimal number; an empty, NaN or
 * non-numeric cell is an E_DATA_FORMAT error naming the source, line and column.
 */
export function parseCsv(text: string, source = '<csv>', options: CsvOptions = {}): CsvData {
  const delimiter = options.delimiter ?? ',';
  const lines = text.split(/\r?\n/);
  const rows: { line: number; cells: string[] }[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim().length > 0) rows.push({ line: i + 1, cells: raw.split(delimiter).map(unquote) });
  });
  if (rows.length === 0) throw formatError(source, 'no rows');
  let header = options.header ?? 'auto';
  if (header === 'auto') header = rows[0].cells.some((c) => !NUMBER.test(c));
  const names = header ? rows.shift()!.cells : undefined;
  const width = names?.length ?? rows[0]?.cells.length ?? 0;
  if (rows.length === 0) throw formatError(source, 'header but no data rows');

  let labelIndex: number | undefined;
  const { labelColumn = null } = options;
  if (typeof labelColumn === 'string') {
    if (names === undefined)
      throw formatError(source, `label column '${labelColumn}' named, but the file has no header`);
    labelIndex = names.indexOf(labelColumn);
    if (labelIndex < 0) {
      throw formatError(source, `no column named '${labelColumn}' (columns: ${names.join(', ')})`);
    }
  } else if (typeof labelColumn === 'number') {
    labelIndex = labelColumn < 0 ? width + labelColumn : labelColumn;
    if (!Number.isInteger(labelIndex) || labelIndex < 0 || labelIndex >= width) {
      throw formatError(source, `label column ${labelColumn} is out of range for ${width} columns`);
    }
  }

  const featureWidth = width - (labelIndex === undefined ? 0 : 1);
  const features = new Float32Array(rows.length * featureWidth);
  const labels = labelIndex === undefined ? undefined : new Int32Array(rows.length);
  const columnName = (c: number): string => `column ${c + 1}${names ? ` ('${names[c]}')` : ''}`;
  rows.forEach(({ line, cells }, r) => {
    if (cells.length !== width) {
      throw formatError(source, `line ${line}: expected ${width} columns, found ${cells.length}`, { line });
    }
    let f = r * featureWidth;
    cells.forEach((cell, c) => {
      const where = `line ${line}, ${columnName(c)}`;
      if (cell.length === 0) throw formatError(source, `${where}: empty cell`, { line, column: c + 1 });
      if (!NUMBER.test(cell)) {
        const what = /^[+-]?nan$/i.test(cell)
          ? 'NaN'
          : /^[+-]?inf(inity)?$/i.test(cell)
            ? 'infinite value'
            : 'not a number';
        throw formatError(source, `${where}: ${what} ('${cell}')`, { line, column: c + 1 });
      }
      const value = Number(cell);
      if (!Number.isFinite(value)) {
        throw formatError(source, `${where}: value '${cell}' overflows`, { line, column: c + 1 });
      }
      if (c === labelIndex) {
        if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
          throw formatError(source, `${where}: label '${cell}' is not a whole number ≥ 0`, {
            line,
            column: c + 1,
          });
        }
        labels![r] = value;
      } else {
        features[f++] = value;
      }
    });
  });
  const columns = names?.filter((_, c) => c !== labelIndex);
  return { features, shape: [rows.length, featureWidth], labels, columns };
}
