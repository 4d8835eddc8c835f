/**
 * Lanes keep overlapping spans apart on screen: each span gets the lowest lane free at its start
 * (interval-graph colouring in start order), and each lane draws its underline at its own height.
 */

/** Lanes above this are drawn together: lane MAX_LANE means "MAX_LANE or more". */
export const MAX_LANE = 5;

/**
 * The lane of each range, for ranges sorted by start. Two ranges overlap when they share text;
 * ranges that only touch may share a lane. Lanes are exact up to MAX_LANE, then capped.
 */
export function assignLanes(ranges: readonly { from: number; to: number }[]): number[] {
  // Only lanes below MAX_LANE need tracking: which of them is free never depends on the ones above.
  const laneEnds = new Array<number>(MAX_LANE).fill(-Infinity);
  return ranges.map((r) => {
    for (let lane = 0; lane < MAX_LANE; lane++) {
      if (laneEnds[lane]! <= r.from) {
        laneEnds[lane] = r.to;
        return lane;
      }
    }
    return MAX_LANE;
  });
}
