import type { FunctionShape, Param } from './signature';

/**
 * Which inputs the generated driver runs a function on: a pure, seeded plan. Sizes cover 0–3,
 * every residue mod 32 (hence mod 8 and 16), every integer constant of the candidate from just
 * below to well above, a medium and a large size; values cover negatives, zero, large, NaN, ±inf,
 * -0.0, subnormals and integer extremes; overlapping buffers where the original allows them.
 * Sizes are drawn from the seed, so a candidate cannot recognise the test by its sizes.
 */

/** How array elements are filled (the driver implements each code). */
export const VALUE_MODES = ['uniform', 'nonneg', 'wide', 'special', 'special-finite-safe', 'spike-last', 'wide-ints'] as const;
export type ValueMode = (typeof VALUE_MODES)[number];

/** One call of the function under test. */
export interface InputCase {
  /** Seed of the element filler for this case. */
  readonly seed: number;
  /** Size parameters' values. */
  readonly sizes: Readonly<Record<string, number>>;
  /** Every by-value parameter's value, as C text the driver parses (`-3`, `nan`, `-0.0`). */
  readonly scalars: Readonly<Record<string, string>>;
  readonly mode: ValueMode;
  /** Elements allocated (and compared) per pointer parameter, before the slack. */
  readonly extent: number;
  /** `param` points into `of`'s buffer at `offset` elements (overlapping buffers). */
  readonly alias?: { readonly param: string; readonly of: string; readonly offset: number };
  /** Why this case is here ("residue 5 mod 32", "above the constant 8192"). */
  readonly why: string;
}

/** The whole plan, and what the plan could not cover. */
export interface InputPlan {
  readonly baseSeed: number;
  readonly cases: readonly InputCase[];
  /** One small case for the race check (racing accesses close together in time). */
  readonly raceSmall: InputCase;
  /** One case at a medium/test size for the race check. */
  readonly raceTest: InputCase;
  /** One case for timing. */
  readonly timing: InputCase;
  readonly leftOut: readonly string[];
  /** Constants (≥ 2) no size just above could be run for: too large for the memory or time allowed. */
  readonly untestedConstants: readonly number[];
}

/** Largest extent per array (elements) a case may use. */
const MAX_EXTENT = 1 << 22;
/** Most loop iterations (estimated) a check case may do. */
const MAX_WORK = 1 << 26;
/** Sizes at least this large are "large" (issue: at least one ≥ 10^5). */
const LARGE = 100_000;

/** A small deterministic generator (mulberry32): the plan is a pure function of the seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bits of a C integer type on LP64 Linux, and whether it is signed. */
export function integerBits(ctype: string): { bits: number; signed: boolean } {
  const t = ctype.replace(/\s+/g, ' ').trim();
  const unsigned = /unsigned|size_t|uint/.test(t);
  const m = /(8|16|32|64)_t/.exec(t);
  if (m) return { bits: Number(m[1]), signed: !unsigned };
  if (/char/.test(t)) return { bits: 8, signed: !unsigned };
  if (/short/.test(t)) return { bits: 16, signed: !unsigned };
  if (/long|size_t|ptrdiff_t/.test(t)) return { bits: 64, signed: !unsigned };
  return { bits: 32, signed: !unsigned };
}

/** The extreme values of a C integer type, as decimal text. */
function extremes(ctype: string): string[] {
  const { bits, signed } = integerBits(ctype);
  if (!signed) return [(2n ** BigInt(bits) - 1n).toString(), (2n ** BigInt(bits) - 2n).toString()];
  return [(2n ** BigInt(bits - 1) - 1n).toString(), (-(2n ** BigInt(bits - 1))).toString()];
}

/** Values for a by-value integer parameter that is not a size: odd, negative, zero, boundaries. */
function integerValues(p: Param, rand: () => number): string[] {
  const signed = integerBits(p.ctype).signed;
  const plain = ['3', '0', '1', '2', '7', '5', '16', '17', '31', '1000', String(1 + Math.floor(rand() * 60))];
  const negative = ['-1', '-3', '-8', '-7', '-100', '-1000', String(-1 - Math.floor(rand() * 60))];
  const values: string[] = [];
  for (let i = 0; i < plain.length; i++) {
    values.push(plain[i]);
    if (signed && i < negative.length) values.push(negative[i]);
  }
  return values;
}

const FLOAT_SCALARS = ['-0.0', '0', '-1.5', '1e10', 'nan', 'inf', '-inf', '4.9406564584124654e-324', '2.5', '-3e-5'];

function scalarValue(p: Param, k: number, rand: () => number, ints: Map<string, string[]>): string {
  if (p.kind === 'float' || p.kind === 'double') {
    // Every other case draws a friendly value; the rest walk through the special ones.
    if (k % 2 === 0) return (rand() * 2 - 1).toPrecision(6);
    return p.kind === 'float' && FLOAT_SCALARS[(k >> 1) % FLOAT_SCALARS.length] === '4.9406564584124654e-324' ? '1.4e-45' : FLOAT_SCALARS[(k >> 1) % FLOAT_SCALARS.length];
  }
  if (p.kind === 'bool') return String(k % 2);
  const list = ints.get(p.name)!;
  return list[k % list.length];
}

/** Extent (elements per array) and estimated work for sizes of a shape. */
export function extentOf(shape: FunctionShape, sizes: readonly number[]): { extent: number; work: number } {
  return extentOfSizes(shape, [...sizes]);
}

function extentOfSizes(shape: FunctionShape, sizes: number[]): { extent: number; work: number } {
  if (sizes.length === 0) return { extent: 1, work: 1 };
  const depth = Math.min(3, Math.max(shape.loopDepth, sizes.length));
  sizes = sizes.map((s) => Math.max(s, 0));
  const max = Math.max(...sizes);
  // One size bounding a 2-D nest usually means n×n arrays (a matrix indexed i*n+j).
  const extent = sizes.length === 1 ? (depth >= 2 ? sizes[0] * sizes[0] : sizes[0]) : sizes.reduce((a, b) => a * Math.max(b, 1), 1);
  const work = sizes.reduce((a, b) => a * Math.max(b, 1), 1) * Math.max(1, max) ** Math.max(0, depth - sizes.length);
  return { extent: Math.max(extent, 1), work };
}

/** Overlap pairs: two non-restrict pointers of one type, at least one written, may share memory. */
export function aliasPairs(shape: FunctionShape): { param: string; of: string }[] {
  const ptrs = shape.params.filter((p) => p.pointer && !p.restrict);
  const pairs: { param: string; of: string }[] = [];
  for (let i = 0; i < ptrs.length; i++) {
    for (let j = 0; j < ptrs.length; j++) {
      if (i === j || ptrs[i].ctype.replace(/\bconst\b/g, '').trim() !== ptrs[j].ctype.replace(/\bconst\b/g, '').trim()) continue;
      // The written one points into the other's buffer (and the other way round, as a separate pair).
      if (ptrs[i].readOnly) continue;
      pairs.push({ param: ptrs[i].name, of: ptrs[j].name });
    }
  }
  return pairs.slice(0, 4);
}

export interface PlanOptions {
  readonly seed: number;
  /** Integer constants of the candidate (if clauses, schedule chunks, branches). */
  readonly constants: readonly number[];
  /** The candidate reassociates floating-point sums: keep value modes whose sums are well conditioned. */
  readonly reassociates: boolean;
}

/** The seeded input plan for `shape`. */
export function planInputs(shape: FunctionShape, options: PlanOptions): InputPlan {
  const rand = rng(options.seed);
  const r = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const d = shape.sizeParams.length;
  const depth = Math.min(3, Math.max(shape.loopDepth, d));
  const leftOut: string[] = [];
  const scalarParams = shape.params.filter((p) => !p.pointer && !shape.sizeParams.includes(p.name));
  const ints = new Map<string, string[]>();
  for (const p of scalarParams) if (p.kind === 'int' || p.kind === 'uint' || p.kind === 'char') ints.set(p.name, integerValues(p, rand));
  const modes: ValueMode[] = options.reassociates ? ['uniform', 'special-finite-safe', 'wide-ints', 'spike-last', 'nonneg'] : ['uniform', 'special', 'wide', 'spike-last', 'nonneg'];
  const raw: { sizes: number[]; why: string; mode?: ValueMode; alias?: InputCase['alias']; extreme?: boolean }[] = [];
  const fits = (sizes: number[]) => {
    const { extent, work } = extentOf(shape, sizes);
    return extent <= MAX_EXTENT && work <= MAX_WORK;
  };
  const add = (sizes: number[], why: string, extra: Partial<(typeof raw)[number]> = {}): boolean => {
    if (fits(sizes)) raw.push({ sizes, why, ...extra });
    else leftOut.push(`size ${sizes.join('×')} (${why}): too large to run`);
    return fits(sizes);
  };
  const untestedConstants: number[] = [];
  const small = () => r(1, 9);

  if (d === 0) {
    // No size: vary the other parameters and the values instead.
    for (let k = 0; k < 24; k++) add([], k === 0 ? 'fixed sizes' : 'varied values');
  } else {
    // 0–3 in every dimension together, then one dimension empty.
    for (const s of [0, 1, 2, 3]) add(Array(d).fill(s), `size ${s}`);
    if (d > 1) for (let j = 0; j < d; j++) add(Array.from({ length: d }, (_, i) => (i === j ? 0 : r(2, 7))), `dimension ${shape.sizeParams[j]} empty`);
    // A negative signed size is defined for `i < n` loops (no iterations): a candidate that casts it to unsigned is not.
    for (let j = 0; j < d; j++) {
      if (shape.params.find((p) => p.name === shape.sizeParams[j])?.kind !== 'int') continue;
      for (const neg of [-1, -r(2, 9)]) add(Array.from({ length: d }, (_, i) => (i === j ? neg : r(2, 7))), `negative ${shape.sizeParams[j]}`);
    }
    // Every residue mod 32 in every dimension (so mod 8 and 16 too): unroll tails, vector tails.
    const span = depth >= 2 && d === 1 ? 1 : d >= 3 ? 1 : 5;
    for (let j = 0; j < d; j++) {
      for (let res = 0; res < 32; res++) {
        const sizes = Array.from({ length: d }, (_, i) => (i === j ? res + 32 * r(1, 1 + span) : small()));
        add(sizes, `residue ${res} mod 32 in ${shape.sizeParams[j]}`);
      }
    }
    // Around and above every constant: `if (n > K)`, `schedule(static, K)`, `if (i == K)`.
    const constants = options.constants.filter((k) => k >= 2).slice(-16);
    for (const k of constants) {
      for (let j = 0; j < d; j++) {
        for (const [s, why] of [
          [k - 1, `just below the constant ${k}`],
          [k, `at the constant ${k}`],
          [k + 1, `just above the constant ${k}`],
          [2 * k + r(1, 8) * 2 - 1, `well above the constant ${k}`],
        ] as [number, string][]) {
          const sizes = Array.from({ length: d }, (_, i) => (i === j ? s : small()));
          if (!add(sizes, `${why} in ${shape.sizeParams[j]}`) && s === k + 1 && !untestedConstants.includes(k)) untestedConstants.push(k);
        }
      }
    }
    // Medium and large: chunks of several threads, and at least one size ≥ 10^5 where it fits.
    add(Array.from({ length: d }, () => (d === 1 && depth === 1 ? r(1000, 4999) : r(20, 60))), 'medium size');
    const per = Math.ceil(LARGE ** (1 / (d === 1 && depth >= 2 ? 2 : d)));
    const large = Array.from({ length: d }, () => per + r(0, 31));
    if (fits(large)) add(large, 'large size');
    else {
      let n = per;
      while (n > 8 && !fits(Array(d).fill(n))) n = Math.floor(n * 0.8);
      add(Array(d).fill(n + r(0, 7)), 'largest size the run time allows');
      leftOut.push(`a size of 10^5 elements: the ${depth}-deep nest would do too much work; largest size run ${n}`);
    }
  }
  // Overlapping buffers where the original is defined for them (non-restrict pointers of one type).
  for (const pair of aliasPairs(shape)) {
    for (const offset of [0, 1, -1, 3]) {
      const sizes = Array.from({ length: d }, () => r(33, 70));
      add(sizes, `${pair.param} overlaps ${pair.of} at ${offset >= 0 ? '+' : ''}${offset}`, { alias: { ...pair, offset }, mode: 'uniform' });
    }
    if (d > 0) add(Array.from({ length: d }, () => (d === 1 && depth === 1 ? r(1000, 3000) : r(20, 40))), `${pair.param} overlaps ${pair.of} at +1, medium size`, { alias: { ...pair, offset: 1 }, mode: 'uniform' });
  }
  if (scalarParams.some((p) => p.kind === 'int' || p.kind === 'uint')) {
    for (let e = 0; e < 2; e++) add(Array.from({ length: d }, () => r(5, 40)), 'integer extremes', { extreme: true });
  }

  const cases: InputCase[] = raw.map((c, k) => {
    const scalars: Record<string, string> = {};
    for (const p of shape.params) {
      if (p.pointer) continue;
      const j = shape.sizeParams.indexOf(p.name);
      if (j >= 0) scalars[p.name] = String(c.sizes[j] + 0);
      else if (c.extreme && (p.kind === 'int' || p.kind === 'uint')) scalars[p.name] = extremes(p.ctype)[k % 2];
      else scalars[p.name] = scalarValue(p, k, rand, ints);
    }
    const sizes: Record<string, number> = {};
    shape.sizeParams.forEach((n, j) => (sizes[n] = c.sizes[j]));
    const mode = c.mode ?? (c.sizes.every((s) => s <= 3) ? 'uniform' : modes[k % modes.length]);
    return { seed: (options.seed + k) >>> 0, sizes, scalars, mode, extent: extentOf(shape, c.sizes).extent, alias: c.alias, why: c.why };
  });
  // Race check: a small size (accesses close in time) and a medium one, friendly values, no overlap.
  const friendly = (pick: (c: InputCase) => boolean) => cases.find((c) => !c.alias && c.mode === 'uniform' && pick(c)) ?? cases[cases.length - 1];
  const raceSize = (target: number) => {
    const sizes = Array.from({ length: d }, () => (d === 1 && depth === 1 ? target + r(0, 63) : Math.ceil(target ** (1 / (d === 1 ? 2 : d))) + r(0, 3)));
    const base = friendly(() => true);
    const rec: Record<string, number> = {};
    shape.sizeParams.forEach((n, j) => (rec[n] = sizes[j]));
    const scalars = { ...base.scalars };
    for (const n of shape.sizeParams) scalars[n] = String(rec[n]);
    return { ...base, sizes: rec, scalars, extent: extentOf(shape, sizes).extent, why: `race check at ${sizes.join('×')}` };
  };
  const timingSizes = Array.from({ length: d }, () => Math.max(8, Math.floor(2 ** (24 / depth))));
  const timingRec: Record<string, number> = {};
  shape.sizeParams.forEach((n, j) => (timingRec[n] = timingSizes[j]));
  const first = cases[0];
  const timingScalars = { ...first.scalars };
  for (const n of shape.sizeParams) timingScalars[n] = String(timingRec[n]);
  for (const p of scalarParams) if (p.kind === 'int' || p.kind === 'uint' || p.kind === 'char') timingScalars[p.name] = '3';
  return {
    baseSeed: options.seed,
    cases,
    raceSmall: raceSize(2000),
    raceTest: raceSize(60_000),
    timing: { seed: options.seed, sizes: timingRec, scalars: timingScalars, mode: 'uniform', extent: extentOf(shape, timingSizes).extent, why: 'timing' },
    leftOut,
    untestedConstants,
  };
}
