// NIR (from PyTorch) lays images out [C, H, W]; ours are [H, W, C] (tfjs' NHWC). A flattened
// sample's feature order differs with it, and so do the rows of the dense kernel that reads it.

/** For each row of our dense kernel (features in [H, W, C] order), the NIR row ([C, H, W] order). */
export function chwToHwcRows([channels, height, width]: readonly number[]): number[] {
  const rows: number[] = [];
  for (let h = 0; h < height; h++)
    for (let w = 0; w < width; w++)
      for (let c = 0; c < channels; c++) rows.push((c * height + h) * width + w);
  return rows;
}

/** For each NIR row ([C, H, W] order), our row ([H, W, C] order): the inverse of `chwToHwcRows`. */
export function hwcToChwRows(chw: readonly number[]): number[] {
  const forward = chwToHwcRows(chw);
  const inverse = new Array<number>(forward.length);
  forward.forEach((nir, ours) => (inverse[nir] = ours));
  return inverse;
}
