/**
 * The median of some numbers (the mean of the middle two for an even count).
 *
 * @example
 * median([3, 1, 2]) // 2
 */
export function median(values) {
  if (values.length === 0) throw new TypeError('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Median, lowest and highest of per-batch figures: the median is what the
 * report shows, the range says how steady the batches were.
 *
 * @example
 * summarize([1.2, 1.1, 1.4]) // { median: 1.2, min: 1.1, max: 1.4 }
 */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * How many operations make one batch of about `targetMs`, from a warm-up estimate.
 *
 * @example
 * batchSizeFor(250, 0.8) // 313
 */
export function batchSizeFor(targetMs, msPerOperation, { min = 10, max = 100_000 } = {}) {
  return Math.min(max, Math.max(min, Math.round(targetMs / msPerOperation)));
}
