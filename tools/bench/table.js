/* global console, performance */
// Plain-text tables for the bench suites.

/** Prints `title`, then rows padded to column width (first row is the header). */
export function printTable(title, rows, footer) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  console.log(`\n${title}`);
  for (const row of rows) {
    console.log(
      row
        .map((cell, c) => String(cell).padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    );
  }
  if (footer) console.log(footer);
}

export const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
export const rate = (x) => Math.round(x).toLocaleString('en-US');

/** Runs `fn` for at least `seconds` and `minSteps` calls; returns calls and elapsed ms. */
export async function timeLoop(fn, seconds, minSteps = 2) {
  let steps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (steps < minSteps || elapsed < seconds * 1000) {
    await fn(steps);
    steps++;
    elapsed = performance.now() - start;
  }
  return { steps, elapsed };
}
