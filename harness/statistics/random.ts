/**
 * Seeded randomness, so anything random in a run (the order cells are measured in, bootstrap resamples) can be
 * recorded and replayed: the same seed gives the same sequence on every machine. pure-rand's xoroshiro128+ and its
 * 53-bit uniform floats; simple-statistics' Fisher-Yates shuffle takes the source.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { shuffle } from 'simple-statistics';

/** A source of uniform numbers in [0, 1), deterministic for a seed (an integer; other numbers are truncated). */
export function seededRandom(seed: number): () => number {
  const rng = xoroshiro128plus(Math.trunc(seed) | 0);
  return () => uniformFloat64(rng);
}

/** A new array with `items` in an order drawn from `random`; the input is left as it is. */
export function seededShuffle<T>(items: readonly T[], random: () => number): T[] {
  return shuffle([...items], random);
}

/** A seed for a new run: 31 bits, so it survives JSON and every integer parser. */
export function newSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
