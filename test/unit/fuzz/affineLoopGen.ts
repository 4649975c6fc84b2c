/**
 * A seeded generator of small whole C programs made of loop nests (1–3 levels) with random
 * affine subscripts: reads and writes of 1-D and 2-D arrays at offsets (`a[i+c]`, `a[2*i+c]`,
 * `B[i][j-c]`), in place and out of place, scalar reductions with random operators, private and
 * lastprivate temporaries, and a few scalars carried from one iteration to the next. Everything
 * is initialised deterministically and printed at the end, so a program's output is a function
 * of its seed, and any wrong parallelisation of it shows up as different output or a race.
 *
 * Values stay bounded: doubles in [-1, 1] (writes are averages or products of such values),
 * unsigned integers wrap (defined behaviour), and product reductions use factors close to 1.
 */

/** Loop trip counts must beat the engine's "too small to be worth it" threshold (64). */
const N = 100;
/** Size of 1-D arrays: room for `2*i + j + c` with i, j < N. */
const SIZE1 = 3 * N + 16;
/** Size of each dimension of 2-D arrays: room for `v + c` with v < N. */
const SIZE2 = N + 8;

const DOUBLE_1D = ['a', 'b', 'c'];
const UNSIGNED_1D = ['u', 'w'];
const DOUBLE_2D = ['P', 'Q'];

/** A small deterministic PRNG (mulberry32). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** One loop variable in scope, with the values it takes (inclusive). */
interface Var {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** A generated program and what went into it (for messages when a check fails). */
export interface GeneratedProgram {
  readonly seed: number;
  readonly text: string;
  /** Number of loop nests (one function each). */
  readonly nests: number;
}

/** An affine subscript `k*v + m*w + c` that stays inside [0, size) for every value of its variables. */
function subscript(rng: Rng, vars: readonly Var[], size: number, maxCoef: number): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const terms: { coef: number; v: Var }[] = [];
    if (vars.length > 0 && !rng.chance(0.08)) {
      const v = rng.pick(vars);
      terms.push({ coef: maxCoef > 1 && rng.chance(0.25) ? 2 : 1, v });
      if (vars.length > 1 && maxCoef > 1 && rng.chance(0.2)) {
        const w = rng.pick(vars.filter((x) => x !== v));
        terms.push({ coef: 1, v: w });
      }
    }
    let c = rng.int(-3, 3);
    const lo = terms.reduce((s, t) => s + t.coef * t.v.min, 0) + c;
    if (lo < 0) c -= lo;
    const hi = terms.reduce((s, t) => s + t.coef * t.v.max, 0) + c;
    if (hi >= size) continue;
    const parts = terms.map((t) => (t.coef === 1 ? t.v.name : `${t.coef} * ${t.v.name}`));
    if (parts.length === 0) return String(c);
    return c === 0 ? parts.join(' + ') : `${parts.join(' + ')} ${c < 0 ? '-' : '+'} ${Math.abs(c)}`;
  }
  return vars.length > 0 ? vars[0].name : '0';
}

/** The generator state for one nest. */
class NestWriter {
  readonly lines: string[] = [];
  /** Local scalars of the function: declaration lines and what to print after the nest. */
  readonly decls: string[] = [];
  readonly prints: string[] = [];
  private scalarCount = 0;

  constructor(
    private readonly rng: Rng,
    private readonly fn: string,
  ) {}

  private scalar(type: 'double' | 'unsigned', init: string, print: boolean): string {
    const name = `s${this.scalarCount++}`;
    this.decls.push(`  ${type} ${name} = ${init};`);
    if (print) this.prints.push(type === 'double' ? `  printf("${this.fn} ${name} %.10g\\n", ${name});` : `  printf("${this.fn} ${name} %u\\n", ${name});`);
    return name;
  }

  private readDouble(vars: readonly Var[]): string {
    const r = this.rng;
    if (r.chance(0.3)) {
      const A = r.pick(DOUBLE_2D);
      return `${A}[${subscript(r, vars, SIZE2, 1)}][${subscript(r, vars, SIZE2, 1)}]`;
    }
    return `${r.pick(DOUBLE_1D)}[${subscript(r, vars, SIZE1, 2)}]`;
  }

  /** A double expression with |value| <= 1 when every array value has |x| <= 1. */
  private doubleExpr(vars: readonly Var[], forceRead?: string): string {
    const r = this.rng;
    const term = (): string => {
      const k = r.int(0, 9);
      if (k < 6) return this.readDouble(vars);
      if (k < 8 && vars.length > 0) return `${r.pick(vars).name} * 0.001`;
      return `0.${r.int(1, 9)}`;
    };
    const t1 = forceRead ?? term();
    const t2 = term();
    return r.chance(0.5) ? `0.5 * (${t1} ${r.pick(['+', '-'])} ${t2})` : `${t1} * ${t2}`;
  }

  private unsignedExpr(vars: readonly Var[]): string {
    const r = this.rng;
    const read = `${r.pick(UNSIGNED_1D)}[${subscript(r, vars, SIZE1, 2)}]`;
    const v = vars.length > 0 ? ` + (unsigned)${r.pick(vars).name}` : '';
    return r.chance(0.5) ? `${read} * ${r.pick(['3u', '5u', '2654435761u'])}${v}` : `(${read} ^ ${r.int(1, 255)}u)${v}`;
  }

  /** One statement of the loop body at `indent`, with `vars` in scope. */
  statement(vars: readonly Var[], indent: string): void {
    const r = this.rng;
    const k = r.int(0, 99);
    const out = (s: string) => this.lines.push(indent + s);
    if (k < 45) {
      // Array write, in place (the target is read too) or out of place.
      if (r.chance(0.25)) {
        const U = r.pick(UNSIGNED_1D);
        const sub = subscript(r, vars, SIZE1, 2);
        out(`${U}[${sub}] = ${this.unsignedExpr(vars)};`);
        return;
      }
      if (r.chance(0.3)) {
        const A = r.pick(DOUBLE_2D);
        const target = `${A}[${subscript(r, vars, SIZE2, 1)}][${subscript(r, vars, SIZE2, 1)}]`;
        const inPlace = r.chance(0.5) ? `${A}[${subscript(r, vars, SIZE2, 1)}][${subscript(r, vars, SIZE2, 1)}]` : undefined;
        out(`${target} = ${this.doubleExpr(vars, inPlace)};`);
        return;
      }
      const a = r.pick(DOUBLE_1D);
      const target = `${a}[${subscript(r, vars, SIZE1, 2)}]`;
      const inPlace = r.chance(0.5) ? `${a}[${subscript(r, vars, SIZE1, 2)}]` : undefined;
      out(`${target} = ${this.doubleExpr(vars, inPlace)};`);
      return;
    }
    if (k < 72) {
      // A reduction with a random operator and spelling.
      const e = this.doubleExpr(vars);
      switch (r.int(0, 9)) {
        case 0: {
          const s = this.scalar('double', '0.0', true);
          out(`${s} += (${e}) * (${e});`);
          return;
        }
        case 1: {
          const s = this.scalar('double', '1.0', true);
          out(`${s} = ${s} + (${this.readDouble(vars)} * ${this.readDouble(vars)} + 0.25);`);
          return;
        }
        case 2: {
          const s = this.scalar('double', '0.0', true);
          out(`${s} -= ${this.readDouble(vars)} * ${this.readDouble(vars)};`);
          return;
        }
        case 3: {
          const s = this.scalar('double', '1.0', true);
          out(`${s} *= 1.0 + 1e-7 * ${this.readDouble(vars)};`);
          return;
        }
        case 4: {
          const s = this.scalar('double', '-2.0', true);
          const x = this.readDouble(vars);
          out(`if (${x} > ${s}) ${s} = ${x};`);
          return;
        }
        case 5: {
          const s = this.scalar('double', '2.0', true);
          const x = this.readDouble(vars);
          out(`if (${x} < ${s}) ${s} = ${x};`);
          return;
        }
        case 6: {
          const s = this.scalar('unsigned', '0u', true);
          out(`${s} ${r.pick(['^=', '+=', '|='])} ${this.unsignedExpr(vars)};`);
          return;
        }
        case 7: {
          const s = this.scalar('unsigned', '4294967295u', true);
          out(`${s} &= ${this.unsignedExpr(vars)} | 0x0f0f0f0fu;`);
          return;
        }
        case 8: {
          const s = this.scalar('unsigned', '1u', true);
          out(`${s} = ${s} && (${r.pick(UNSIGNED_1D)}[${subscript(r, vars, SIZE1, 2)}] % 97u != 0u);`);
          return;
        }
        default: {
          const s = this.scalar('unsigned', '0u', true);
          out(`${s} = ${s} || (${r.pick(UNSIGNED_1D)}[${subscript(r, vars, SIZE1, 2)}] % 89u == 0u);`);
          return;
        }
      }
    }
    if (k < 91) {
      // A temporary written first in every iteration: private, or lastprivate when printed after.
      const t = this.scalar('double', '0.0', r.chance(0.4));
      const a = r.pick(DOUBLE_1D);
      out(`${t} = ${this.doubleExpr(vars)};`);
      out(`${a}[${subscript(r, vars, SIZE1, 2)}] = ${t} * ${r.chance(0.5) ? t : this.readDouble(vars)};`);
      return;
    }
    if (k < 96) {
      // A scalar carried between iterations (a recurrence): must stay sequential.
      const s = this.scalar('double', '0.0', true);
      const a = r.pick(DOUBLE_1D);
      out(`${s} = 0.5 * ${s} + 0.5 * ${this.readDouble(vars)};`);
      if (r.chance(0.5)) out(`${a}[${subscript(r, vars, SIZE1, 2)}] = ${s};`);
      return;
    }
    // A conditionally written scalar: its final value depends on the last iteration that wrote it.
    const s = this.scalar('double', '0.0', true);
    const x = this.readDouble(vars);
    out(`if (${x} > 0.${r.int(1, 8)}) ${s} = ${x};`);
  }
}

const LOOP_NAMES = ['i', 'j', 'k'];

/** Writes one loop level (and the levels inside it) into `w`. */
function loopLevel(rng: Rng, w: NestWriter, depth: number, levels: number, outer: readonly Var[], perfect: boolean, indent: string): void {
  const name = LOOP_NAMES[depth];
  let lo = 4;
  let hi = N;
  let header: string;
  const kind = rng.int(0, 9);
  if (depth > 0 && kind === 0) {
    // Triangular: bounded by the enclosing variable.
    const o = outer[outer.length - 1];
    header = `for (int ${name} = ${lo}; ${name} < ${o.name}; ${name}++)`;
    hi = o.max;
  } else if (kind === 1) {
    header = `for (int ${name} = ${hi - 1}; ${name} >= ${lo}; ${name}--)`;
  } else if (kind === 2) {
    header = `for (int ${name} = ${lo}; ${name} < ${hi}; ${name} += 2)`;
  } else if (depth === 2 && kind < 6) {
    lo = 0;
    hi = 8;
    header = `for (int ${name} = ${lo}; ${name} < ${hi}; ${name}++)`;
  } else {
    header = `for (int ${name} = ${lo}; ${name} < ${hi}; ${name}++)`;
  }
  const vars = [...outer, { name, min: lo, max: hi - 1 }];
  w.lines.push(`${indent}${header} {`);
  const inner = indent + '  ';
  const last = depth === levels - 1;
  if (!last && !perfect && rng.chance(0.6)) w.statement(vars, inner);
  if (!last) loopLevel(rng, w, depth + 1, levels, vars, perfect, inner);
  if (last) {
    const count = rng.int(1, 3);
    for (let s = 0; s < count; s++) w.statement(vars, inner);
  } else if (!perfect && rng.chance(0.4)) w.statement(vars, inner);
  w.lines.push(`${indent}}`);
}

/** A whole C program for `seed`: a few loop-nest functions over global arrays, and a main that prints everything. */
export function generateProgram(seed: number): GeneratedProgram {
  const rng = new Rng(seed * 7919 + 17);
  const nests = rng.int(3, 5);
  const out: string[] = [
    `/* generated by affineLoopGen, seed ${seed} */`,
    '#include <stdio.h>',
    '',
    ...DOUBLE_1D.map((a) => `double ${a}[${SIZE1}];`),
    ...UNSIGNED_1D.map((a) => `unsigned ${a}[${SIZE1}];`),
    ...DOUBLE_2D.map((a) => `double ${a}[${SIZE2}][${SIZE2}];`),
    '',
  ];
  for (let n = 0; n < nests; n++) {
    const fn = `nest${n}`;
    const w = new NestWriter(rng, fn);
    const levels = rng.int(1, 3);
    loopLevel(rng, w, 0, levels, [], rng.chance(0.6), '  ');
    out.push(`static void ${fn}(void) {`, ...w.decls, ...w.lines, ...w.prints, '}', '');
  }
  out.push(
    'int main(void) {',
    `  for (int x = 0; x < ${SIZE1}; x++) {`,
    ...DOUBLE_1D.map((a, i) => `    ${a}[x] = ((x * ${7 + 4 * i} + ${3 + i}) % 101) / 101.0;`),
    ...UNSIGNED_1D.map((a, i) => `    ${a}[x] = (unsigned)x * ${2654435761 + 2 * i}u + ${i + 1}u;`),
    '  }',
    `  for (int x = 0; x < ${SIZE2}; x++)`,
    `    for (int y = 0; y < ${SIZE2}; y++) {`,
    ...DOUBLE_2D.map((a, i) => `      ${a}[x][y] = ((x * ${13 + 6 * i} + y * ${5 + i}) % 103) / 103.0 - 0.5;`),
    '    }',
    ...Array.from({ length: nests }, (_, n) => `  nest${n}();`),
    ...DOUBLE_1D.map((a) => `  for (int x = 0; x < ${SIZE1}; x++) printf("${a} %d %.10g\\n", x, ${a}[x]);`),
    ...UNSIGNED_1D.map((a) => `  for (int x = 0; x < ${SIZE1}; x++) printf("${a} %d %u\\n", x, ${a}[x]);`),
    ...DOUBLE_2D.map((a) => `  for (int x = 0; x < ${SIZE2}; x++) for (int y = 0; y < ${SIZE2}; y++) printf("${a} %d %d %.10g\\n", x, y, ${a}[x][y]);`),
    '  return 0;',
    '}',
    '',
  );
  return { seed, text: out.join('\n'), nests };
}
