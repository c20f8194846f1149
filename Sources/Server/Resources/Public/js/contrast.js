// Display contrast for 8-bit channel tiles: a window [low, high] mapped to 0..255, chosen automatically from
// percentiles of a histogram and adjustable. Pure: no DOM.

/** Histogram (256 bins) of 8-bit values. */
export function histogram(values) {
  const bins = new Uint32Array(256);
  for (let i = 0; i < values.length; i++) bins[values[i]] += 1;
  return bins;
}

/** The value below which `fraction` of the histogram's mass lies. */
export function percentile(bins, fraction) {
  let total = 0;
  for (const count of bins) total += count;
  if (total === 0) return 0;
  const target = fraction * total;
  let running = 0;
  for (let v = 0; v < 256; v++) {
    running += bins[v];
    if (running >= target) return v;
  }
  return 255;
}

/** Automatic window: the 1st and 99.5th percentiles (at least 1 apart). */
export function autoWindow(bins, low = 0.01, high = 0.995) {
  const a = percentile(bins, low);
  const b = Math.max(a + 1, percentile(bins, high));
  return { low: a, high: Math.min(255, b) };
}

/** A 256-entry lookup table mapping values through the window (and gamma) to 0..255. */
export function lookupTable(window, gamma = 1) {
  const table = new Uint8Array(256);
  const span = Math.max(1, window.high - window.low);
  for (let v = 0; v < 256; v++) {
    const t = Math.max(0, Math.min(1, (v - window.low) / span));
    table[v] = Math.round(255 * t ** gamma);
  }
  return table;
}

/** Parses "#rrggbb" into [r, g, b] in 0..1. */
export function parseColour(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}
