/**
 * The number of single-character edits (insertions, deletions, substitutions, swaps of two neighbours) that turn
 * `a` into `b` (optimal string alignment distance).
 * @example
 * editDistance('scna', 'scan'); // → 1
 */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate `typed` was most likely meant to be: the nearest within a third of its length (at least 1, at most
 * 3 edits), or one that `typed` is a prefix of; `undefined` when none is near enough to suggest.
 * @example
 * closestMatch('eu-wst-1', ['eu-west-1', 'us-west-1']); // → 'eu-west-1'
 * closestMatch('--region', ['--regions', '--format']); // → '--regions'
 */
export function closestMatch(typed: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? candidates.find((candidate) => typed.length >= 3 && candidate.startsWith(typed));
}
