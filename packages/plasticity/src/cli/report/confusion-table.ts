import { escapeHtml } from './escape.js';

/** Per-class accuracy from a confusion matrix `[label][predicted]` (NaN for a class with no samples). */
export function perClassAccuracy(confusion: readonly (readonly number[])[]): number[] {
  return confusion.map((row, c) => {
    const count = row.reduce((a, b) => a + b, 0);
    return count > 0 ? row[c] / count : Number.NaN;
  });
}

/**
 * The confusion matrix as an HTML heatmap: true class down, predicted class across, each cell
 * shaded by its share of the row (so rare classes show as clearly as common ones), then each
 * class's sample count and accuracy.
 */
export function confusionTable(
  confusion: readonly (readonly number[])[],
  classNames: readonly string[] = [],
): string {
  const name = (c: number): string => escapeHtml(classNames[c] ?? String(c));
  const accuracy = perClassAccuracy(confusion);
  const head = `<tr><th>true \\ predicted</th>${confusion.map((_, c) => `<th class="num">${name(c)}</th>`).join('')}<th class="num">count</th><th class="num">accuracy</th></tr>`;
  const rows = confusion.map((row, c) => {
    const count = row.reduce((a, b) => a + b, 0);
    const cells = row.map((n, p) => {
      const share = count > 0 ? n / count : 0;
      // Correct predictions in blue, mistakes in orange; the share sets the strength.
      const hue = p === c ? '0, 114, 178' : '213, 94, 0';
      const style = n > 0 ? ` style="background: rgba(${hue}, ${(0.1 + 0.8 * share).toFixed(2)})"` : '';
      return `<td class="num"${style}>${n}</td>`;
    });
    const acc = Number.isNaN(accuracy[c]) ? '' : `${(accuracy[c] * 100).toFixed(1)}%`;
    return `<tr><th>${name(c)}</th>${cells.join('')}<td class="num">${count}</td><td class="num">${acc}</td></tr>`;
  });
  return `<table class="confusion">\n${head}\n${rows.join('\n')}\n</table>`;
}
