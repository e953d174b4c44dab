/** True when events are in the contract's order: ascending time, ties by ascending unit. */
export function isEventOrder(times: ArrayLike<number>, units: ArrayLike<number>): boolean {
  for (let k = 1; k < times.length; k++) {
    const dt = times[k] - times[k - 1];
    if (dt < 0 || (dt === 0 && units[k] < units[k - 1])) return false;
  }
  return true;
}

/**
 * Puts one sample's events into the contract's order (time, then unit), in place. Recordings
 * are usually sorted already; that case costs one pass.
 */
export function sortEvents(times: Float32Array, units: Int32Array): void {
  if (isEventOrder(times, units)) return;
  const order = Array.from(times.keys()).sort((a, b) => times[a] - times[b] || units[a] - units[b]);
  const t = Float32Array.from(order, (k) => times[k]);
  const u = Int32Array.from(order, (k) => units[k]);
  times.set(t);
  units.set(u);
}
