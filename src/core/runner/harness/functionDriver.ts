import { createHash, randomBytes } from 'node:crypto';
import type { LanguageId, TestRecord, ToleranceReport } from '../../model';
import type { ParserHost } from '../../parse';
import { describeDifference, firstDifference, type LineTolerance } from '../compareOutput';
import { environmentReads, fileVariables, mainNameNode, persistentState, readCandidateFacts, readFunctionShape, type CandidateFacts } from './functionShape';
import type { Harness, HarnessReport, ObservedRun, ResolvedSource, RunPoint } from './harness';
import { aliasPairs, integerBits, planInputs, VALUE_MODES, type InputCase, type InputPlan } from './inputPlan';
import { HarnessUnsupportedError, type FunctionShape, type Param, type ScalarKind } from './signature';
import { compareFiles } from './wholeProgram';

export { HarnessUnsupportedError } from './signature';

/**
 * Generates the C driver (the "tester") for one function. The side's file is #included first and
 * unchanged except that its `main` (if any) is renamed in the text — no macro a candidate could
 * test for. The driver reads its cases from the command line (sizes drawn from a per-run seed, so
 * none is recognisable), runs each case in a forked child (a case the original itself crashes on
 * is left out, not fatal), and prints every effect: the return value, every pointer parameter's
 * whole buffer (const ones included, and a few elements either side), every global the function
 * reaches through its callees, errno, and the exit status; stdout, stderr and files are compared
 * from the run itself.
 */

/** Elements before and after each buffer (stencils read a[-1], a[n]; writes there are compared too). */
const LEAD = 8;
const SLACK = 64;
/** Elements printed before index 0 of each buffer (the rest of the lead is printed as the buffer's edges). */
const PRE = 4;
/** Buffers up to this many elements are printed element by element; larger ones as block digests. */
const FULL_DUMP = 4096;

const PRINT: Record<ScalarKind, { fmt: string; cast: string }> = {
  int: { fmt: '%lld', cast: '(long long)' },
  uint: { fmt: '%llu', cast: '(unsigned long long)' },
  char: { fmt: '%d', cast: '(int)' },
  bool: { fmt: '%d', cast: '(int)' },
  float: { fmt: '%.9g', cast: '(double)' },
  double: { fmt: '%.17g', cast: '(double)' },
};

const isReal = (k: ScalarKind | null) => k === 'float' || k === 'double';

/** The printf argument for a value of `kind`: every NaN printed as one NaN, as the block digests hash it. */
const printArg = (kind: ScalarKind, expr: string) => (isReal(kind) ? `pf_one_nan(${expr})` : `${PRINT[kind].cast}${expr}`);

/** C literal bounds of an integer type, for the "extreme values" fill. */
function intBounds(ctype: string): { lo: string; hi: string; signed: number } {
  const { bits, signed } = integerBits(ctype);
  if (!signed) return { lo: '0LL', hi: bits === 64 ? '-1LL' : `${(2n ** BigInt(bits) - 1n).toString()}LL`, signed: 0 };
  return { lo: bits === 64 ? '(-9223372036854775807LL - 1)' : `${(-(2n ** BigInt(bits - 1))).toString()}LL`, hi: `${(2n ** BigInt(bits - 1) - 1n).toString()}LL`, signed: 1 };
}

/** The C expression filling one element of kind `kind` at index `i` (last = the last logical element). */
function fillExpr(kind: ScalarKind, ctype: string, single: boolean): string {
  if (kind === 'float' || kind === 'double') return `(${ctype})pf_real(pf_mode, pf_i, pf_last, ${single ? 1 : 0})`;
  if (kind === 'bool') return `(${ctype})(pf_next() < 0.5)`;
  const b = intBounds(ctype);
  return `(${ctype})pf_int(pf_mode, pf_i, pf_last, ${b.lo}, ${b.hi}, ${b.signed})`;
}

/** Parses one case token into a by-value parameter of `p`'s type. */
function parseExpr(p: Param, token: string): string {
  if (p.kind === 'float' || p.kind === 'double') return `(${p.ctype})strtod(${token}, 0)`;
  if (p.kind === 'bool') return `(${p.ctype})(atoi(${token}) != 0)`;
  return `(${p.ctype})(${token}[0] == '-' ? (long long)strtoll(${token}, 0, 10) : (long long)strtoull(${token}, 0, 10))`;
}

const DRIVER_PRELUDE = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <math.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fenv.h>
static unsigned long long pf_state;
/* The floating-point mode a call leaves behind (rounding; on x86 also SSE's rounding, flush-to-zero and denormals-are-zero bits): every later computation of the caller depends on it. */
static inline unsigned pf_fp_mode(void) {
  unsigned m = (unsigned)fegetround() & 0xffffu;
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__CUDACC__)
  m |= (__builtin_ia32_stmxcsr() & 0xE040u) << 16;
#endif
  return m;
}
static inline double pf_next(void) { pf_state = pf_state * 6364136223846793005ULL + 1442695040888963407ULL; return (double)(pf_state >> 11) * (1.0 / 9007199254740992.0); }
/* NaN, infinities, signed zero, subnormals (double and float), then large finite values. */
static const double pf_pool[] = { NAN, INFINITY, -INFINITY, -0.0, 0.0, 4.9406564584124654e-324, 2.2250738585072009e-308, 1.4e-45, -1e-310, 1e300, -1e300, 3.0e38 };
static inline double pf_real(int mode, long i, long last, int single) {
  double u = pf_next();
  (void)single;
  switch (mode) {
  case 1: return u;
  case 2: { double m = 1.0; int e = (int)(pf_next() * 40.0) - 20; while (e > 0) { m *= 10.0; e--; } while (e < 0) { m /= 10.0; e++; } return (u < 0.5 ? -m : m) * (1.0 + pf_next()); }
  case 3: if (u < 0.3) return pf_pool[(int)(pf_next() * 12.0) % 12]; return pf_next() * 2.0 - 1.0;
  case 4: if (u < 0.3) return pf_pool[(int)(pf_next() * 9.0) % 9]; return pf_next() * 2.0 - 1.0;
  case 5: return i == last ? 1e6 : u * 2.0 - 1.0;
  default: return u * 2.0 - 1.0;
  }
}
static inline long long pf_int(int mode, long i, long last, long long lo, long long hi, int sgn) {
  double u = pf_next();
  switch (mode) {
  case 2: case 6: return sgn ? (long long)(u * 2001.0) - 1000 : (long long)(u * 2001.0);
  case 3: case 4:
    if (u < 0.3) { switch ((int)(pf_next() * 7.0)) { case 0: return lo; case 1: return hi; case 2: return sgn ? -1 : 0; case 3: return 0; case 4: return lo + 1; case 5: return hi - 1; default: return sgn ? -7 : 7; } }
    return (long long)(pf_next() * 16.0);
  case 5: return i == last ? 1000000 : (long long)(u * 16.0);
  default: return (long long)(u * 16.0);
  }
}
/* FNV-1a over bytes: large buffers are compared by 1024-element blocks. */
static inline unsigned long long pf_hash_more(unsigned long long h, const void *p, size_t n) { const unsigned char *b = (const unsigned char *)p; for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 1099511628211ULL; } return h; }
static inline unsigned long long pf_hash(const void *p, size_t n) { return pf_hash_more(1469598103934665603ULL, p, n); }
static inline void pf_digest(const char *name, const void *base, size_t elem, long from, long to) {
  for (long a = from; a < to; a += 1024) { long b = a + 1024 < to ? a + 1024 : to; printf("%s[%ld..%ld) #%016llx\n", name, a, b, pf_hash((const char *)base + (a - from) * (long)elem, (size_t)(b - a) * elem)); }
}
/* Floating-point blocks hash values, not bits: every NaN counts as one NaN (its sign and payload vary by compiler), -0.0 stays distinct. */
static inline double pf_one_nan(double v) { return v != v ? NAN : v; }
#define PF_DIGEST_REAL(name, ptr, from, to) do { for (long pf_a = (from); pf_a < (to); pf_a += 1024) { long pf_b = pf_a + 1024 < (to) ? pf_a + 1024 : (to); unsigned long long pf_h = 1469598103934665603ULL; for (long pf_j = pf_a; pf_j < pf_b; pf_j++) { double pf_v = (double)(ptr)[pf_j]; if (pf_v != pf_v) pf_v = NAN; if (pf_v != pf_v) pf_h = pf_hash_more(pf_h, "nan", 3); else pf_h = pf_hash_more(pf_h, &pf_v, sizeof pf_v); } printf("%s[%ld..%ld) #%016llx\n", name, pf_a, pf_b, pf_h); } } while (0)
/* Leaves a pattern on the stack the function will use: an uninitialised local does not read 0 by luck. */
static inline void pf_dirty_stack(void) { volatile unsigned char pf_buf[1 << 16]; for (size_t i = 0; i < sizeof(pf_buf); i++) pf_buf[i] = (unsigned char)(0xA5 ^ i); }
static inline double pf_seconds(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec; }
`;

/** Case tokens on the command line: seed,mode,extent,alias,offset,<by-value parameters in order>. */
export function caseArg(shape: FunctionShape, c: InputCase): string {
  const pairs = aliasPairs(shape);
  const alias = c.alias ? pairs.findIndex((p) => p.param === c.alias!.param && p.of === c.alias!.of) : -1;
  const values = shape.params.filter((p) => !p.pointer).map((p) => c.scalars[p.name]);
  return [c.seed, VALUE_MODES.indexOf(c.mode), c.extent, alias, c.alias?.offset ?? 0, ...values].join(',');
}

/** Which dump lines a reassociation tolerance may apply to: written floating-point outputs. */
function tolerantLabels(shape: FunctionShape): Set<string> {
  const labels = new Set<string>();
  if (isReal(shape.returnKind === 'void' ? null : shape.returnKind)) labels.add('return');
  for (const p of shape.params) if (p.pointer && !p.readOnly && isReal(p.kind)) labels.add(p.name);
  for (const g of shape.globals) if (isReal(g.kind)) labels.add(g.name);
  return labels;
}

/** The driver's C source for `shape` (valid as C and as C++: casts on allocations). */
export function driverSource(shape: FunctionShape, includeName: string, tolerant: boolean, comparesErrno = true): string {
  const out: string[] = [];
  // The side comes first: nothing of the driver (no macro, no declaration) is visible to it.
  out.push(`#include "${includeName}"`, DRIVER_PRELUDE);
  const pairs = aliasPairs(shape);
  const scalars = shape.params.filter((p) => !p.pointer);
  const arrays = shape.params.filter((p) => p.pointer);
  const tol = tolerantLabels(shape);
  out.push('static void pf_case(char *pf_arg, int pf_timing) {');
  out.push('  char *pf_tok[64]; int pf_nt = 0;');
  out.push('  for (char *pf_p = strtok(pf_arg, ","); pf_p && pf_nt < 64; pf_p = strtok(0, ",")) pf_tok[pf_nt++] = pf_p;');
  out.push(`  if (pf_nt < ${5 + scalars.length}) { fprintf(stderr, "paraforge driver: bad case\\n"); exit(2); }`);
  out.push('  pf_state = strtoull(pf_tok[0], 0, 10); int pf_mode = atoi(pf_tok[1]); long pf_extent = atol(pf_tok[2]); int pf_alias = atoi(pf_tok[3]); long pf_off = atol(pf_tok[4]);');
  out.push('  long pf_last = pf_extent - 1; long pf_i; (void)pf_alias; (void)pf_off; (void)pf_i;');
  scalars.forEach((p, i) => out.push(`  ${p.ctype} ${p.name} = ${parseExpr(p, `pf_tok[${5 + i}]`)};`));
  for (const p of arrays) {
    out.push(`  ${p.ctype} *pf_buf_${p.name} = (${p.ctype} *)calloc((size_t)(pf_extent + ${2 * LEAD + SLACK}), sizeof(${p.ctype}));`);
    out.push(`  for (pf_i = -${LEAD}; pf_i < pf_extent + ${SLACK + LEAD}; pf_i++) pf_buf_${p.name}[pf_i + ${LEAD}] = ${fillExpr(p.kind, p.ctype, p.kind === 'float')};`);
    out.push(`  ${p.ctype} *${p.name} = pf_buf_${p.name} + ${LEAD};`);
  }
  // Overlapping buffers: one parameter points into another's buffer.
  pairs.forEach((pair, i) => out.push(`  if (pf_alias == ${i}) ${pair.param} = ${pair.of} + pf_off;`));
  for (const g of shape.globals.filter((g) => g.array && g.kind)) {
    const elem = g.ctype;
    out.push(`  for (pf_i = 0; pf_i < (long)(sizeof(${g.name}) / sizeof(${elem})); pf_i++) ((${elem} *)${g.name})[pf_i] = ${fillExpr(g.kind!, elem, g.kind === 'float')};`);
  }
  const call = `${shape.name}(${shape.params.map((p) => p.name).join(', ')})`;
  // The OpenMP worker threads' stacks too (fresh thread stacks read as zero): the next region reuses
  // the same threads. Checking runs only, so timing still sees what the candidate itself costs.
  out.push('#ifdef _OPENMP');
  out.push('  if (!pf_timing) {');
  out.push('#pragma omp parallel');
  out.push('    pf_dirty_stack();');
  out.push('  }');
  out.push('#endif');
  out.push('  pf_dirty_stack();');
  out.push('  double pf_t0 = pf_seconds();');
  out.push('  errno = 0;');
  if (shape.returnKind === 'void') out.push(`  ${call};`);
  else out.push(`  ${shape.returnType} pf_ret = ${call};`);
  out.push('  int pf_errno = errno;');
  out.push('  unsigned pf_fp = pf_fp_mode();');
  out.push('  double pf_t1 = pf_seconds();');
  out.push('  if (pf_timing) { printf("paraforge-time %.9f\\n", pf_t1 - pf_t0); return; }');
  // First, so a changed rounding mode is named before it garbles the printed values.
  out.push('  printf("floating-point-mode %#x\\n", pf_fp);');
  if (shape.returnKind !== 'void') {
    const f = PRINT[shape.returnKind];
    out.push(`  printf("return ${f.fmt}\\n", ${printArg(shape.returnKind, 'pf_ret')});`);
  }
  if (comparesErrno) out.push('  printf("errno %d\\n", pf_errno);');
  else out.push('  (void)pf_errno;');
  for (const p of arrays) {
    const f = PRINT[p.kind];
    // Sums per block keep a tolerance meaningful on large reassociated outputs; hashes are exact.
    const big = tolerant && tol.has(p.name) ? `for (long pf_a = -${PRE}; pf_a < pf_extent + ${SLACK}; pf_a += 1024) { double pf_s = 0; long pf_b = pf_a + 1024 < pf_extent + ${SLACK} ? pf_a + 1024 : pf_extent + ${SLACK}; for (pf_i = pf_a; pf_i < pf_b; pf_i++) pf_s += (double)${p.name}[pf_i]; printf("${p.name}[%ld..%ld) sum %.17g\\n", pf_a, pf_b, pf_s); }` : isReal(p.kind) ? `PF_DIGEST_REAL("${p.name}", ${p.name}, -${PRE}, pf_extent + ${SLACK});` : `pf_digest("${p.name}", ${p.name} - ${PRE}, sizeof(${p.ctype}), -${PRE}, pf_extent + ${SLACK});`;
    out.push(`  if (pf_extent <= ${FULL_DUMP}) { for (pf_i = -${PRE}; pf_i < pf_extent + ${SLACK}; pf_i++) printf("${p.name}[%ld] ${f.fmt}\\n", pf_i, ${printArg(p.kind, `${p.name}[pf_i]`)}); }`);
    out.push(`  else { ${big} }`);
    // The rest of the parameter's own allocation, its edges: a write there corrupts nothing else compared.
    const edge = (from: string, to: string) => `for (pf_i = ${from}; pf_i < ${to}; pf_i++) printf("${p.name}[%ld] ${f.fmt}\\n", pf_i, ${printArg(p.kind, `pf_buf_${p.name}[pf_i + ${LEAD}]`)});`;
    out.push(`  ${edge(`-${LEAD}`, `-${PRE}`)} ${edge(`pf_extent + ${SLACK}`, `pf_extent + ${SLACK + LEAD}`)}`);
  }
  for (const g of shape.globals) {
    if (!g.kind) {
      out.push(`  printf("${g.name} #%016llx\\n", pf_hash(&${g.name}, sizeof(${g.name})));`);
      continue;
    }
    const f = PRINT[g.kind];
    if (g.array) out.push(`  for (pf_i = 0; pf_i < (long)(sizeof(${g.name}) / sizeof(${g.ctype})); pf_i++) printf("${g.name}[%ld] ${f.fmt}\\n", pf_i, ${printArg(g.kind, `((${g.ctype} *)${g.name})[pf_i]`)});`);
    else out.push(`  printf("${g.name} ${f.fmt}\\n", ${printArg(g.kind, g.name)});`);
  }
  for (const p of arrays) out.push(`  free(pf_buf_${p.name});`);
  out.push('}');
  out.push(String.raw`int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "paraforge driver: no cases\n"); return 2; }
  if (strcmp(argv[1], "time") == 0) { pf_case(argv[2], 1); return 0; }
  int pf_fork = strcmp(argv[1], "check") == 0;
  /* Under ThreadSanitizer a fork copies the shadow memory (seconds per case): run the cases in-process. */
#if defined(__SANITIZE_THREAD__)
  pf_fork = 0;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  pf_fork = 0;
#endif
#endif
  for (int k = 2; k < argc; k++) {
    printf("#case %d\n", k - 2);
    fflush(stdout); fflush(stderr);
    pid_t pid = pf_fork ? fork() : -1;
    if (pid == 0) { alarm(10); pf_case(argv[k], 0); fflush(stdout); fflush(stderr); _exit(0); }
    if (pid < 0) { pf_case(argv[k], 0); printf("#end %d exit 0\n", k - 2); continue; }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(st)) printf("#end %d exit %d\n", k - 2, WEXITSTATUS(st));
    else printf("#end %d signal %d\n", k - 2, WIFSIGNALED(st) ? WTERMSIG(st) : -1);
  }
  fflush(stdout);
  return 0;
}`);
  return out.join('\n') + '\n';
}

interface CaseDump {
  readonly body: string;
  /** "exit 0", "signal 11", or null when the case never finished (the whole run stopped). */
  readonly status: string | null;
}

/** Splits the driver's stdout into cases by its `#case k` / `#end k …` markers. */
export function splitCases(stdout: string): Map<number, CaseDump> {
  const cases = new Map<number, CaseDump>();
  const lines = stdout.split('\n');
  let k = -1;
  let body: string[] = [];
  for (const line of lines) {
    const start = /^#case (\d+)$/.exec(line);
    const end = /^#end (\d+) (exit -?\d+|signal -?\d+)$/.exec(line);
    if (start) {
      if (k >= 0) cases.set(k, { body: body.join('\n'), status: null });
      k = Number(start[1]);
      body = [];
    } else if (end && Number(end[1]) === k) {
      cases.set(k, { body: body.join('\n'), status: end[2] });
      k = -1;
    } else if (k >= 0) body.push(line);
  }
  if (k >= 0) cases.set(k, { body: body.join('\n'), status: null });
  return cases;
}

const EPS = { float: 2 ** -23, double: 2 ** -52, 'long double': 2 ** -52, unknown: 2 ** -52 } as const;

/** Per-case relative tolerance for reassociated sums of about `n` terms of magnitude ≤ 1 (0: exact). */
export function caseTolerance(facts: CandidateFacts, extent: number): LineTolerance {
  if (facts.reassociation.length === 0) return { relative: 0, floor: 0 };
  const eps = Math.max(...facts.reassociation.map((r) => EPS[r.type]));
  const n = Math.max(16, extent);
  // Reordering n terms moves a sum by at most about n·eps·Σ|x|; Σ|x| ≤ n for the inputs we make.
  return { relative: Math.min(1e-3, 4 * eps * n), floor: n };
}

function labelOf(line: string): string {
  const m = /^([A-Za-z_]\w*)/.exec(line);
  return m ? m[1] : '';
}

function describeCase(c: InputCase): string {
  const mode = c.mode === 'uniform' ? 'values in [-1, 1)' : c.mode === 'nonneg' ? 'values in [0, 1)' : c.mode === 'wide' ? 'values of every magnitude, both signs' : c.mode === 'special' ? 'values include NaN, ±inf, -0.0, subnormals, ±1e300, integer extremes' : c.mode === 'special-finite-safe' ? 'values include NaN, ±inf, -0.0, subnormals, integer extremes' : c.mode === 'spike-last' ? 'last element large (1e6)' : 'integers in [-1000, 1000]';
  const scalars = Object.entries(c.scalars).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${c.why}; ${mode}${scalars ? `; ${scalars}` : ''}${c.alias ? `; ${c.alias.param} = ${c.alias.of} ${c.alias.offset >= 0 ? '+' : '-'} ${Math.abs(c.alias.offset)}` : ''}`;
}

/** What the harness reads from one side's tree. */
interface SideFacts {
  /** The text to build: the side's `main`, if any, renamed (by its position in the tree). */
  readonly text: string;
  /** File-scope variables the file defines. */
  readonly defines: Set<string>;
  readonly facts: CandidateFacts;
  readonly shape: FunctionShape | HarnessUnsupportedError;
  /** Variables keeping their value between calls ("v" or "v in f"). */
  readonly state: string[];
  /** Program name, user, clock and the like that the side reads (see environmentReads). */
  readonly environment: string[];
}

/** Parses one side and reads everything the harness needs (the tree is deleted before this returns). */
async function readSide(parser: ParserHost, language: LanguageId, text: string, name: string): Promise<SideFacts> {
  const tree = await parser.parse(language, text);
  try {
    const root = tree.rootNode;
    const main = mainNameNode(root);
    const renamed = main ? `${text.slice(0, main.startIndex)}pf_side_main_${main.startIndex.toString(36)}${text.slice(main.endIndex)}` : text;
    let shape: FunctionShape | HarnessUnsupportedError;
    try {
      shape = readFunctionShape(root, name);
    } catch (e) {
      if (!(e instanceof HarnessUnsupportedError)) throw e;
      shape = e;
    }
    return { text: renamed, defines: new Set(fileVariables(root).keys()), facts: readCandidateFacts(root, name), shape, state: persistentState(root, name), environment: environmentReads(root, name) };
  } finally {
    tree.delete();
  }
}

function signatureText(s: FunctionShape): string {
  return `${s.returnType}(${s.params.map((p: Param) => `${p.readOnly ? 'const ' : ''}${p.ctype}${p.pointer ? '*' : ''}`).join(',')})`;
}

/**
 * Drawn once per process: sizes and values differ from run to run of ParaForge (nothing for a
 * candidate to recognise), yet all candidates of one original in one run share the plan, so the
 * original's reference output is computed once for them (the evolve loop, a corpus).
 */
const PROCESS_SALT = randomBytes(16);

/** The default seed for an original: the process salt hashed with the original's text. */
export function defaultSeed(originalText: string): number {
  const h = createHash('sha256').update(PROCESS_SALT).update(originalText).digest();
  return (h.readUInt32BE(0) % 2147483646) + 1;
}

/** Options of a generated harness. */
export interface GeneratedHarnessOptions {
  /** Seed of the input plan (default: defaultSeed(original text), new for every ParaForge process). Reported in every TestRecord. */
  readonly seed?: number;
}

/** A generated harness for `functionName`; throws HarnessUnsupportedError saying exactly why not. */
export async function generatedHarness(original: ResolvedSource, candidate: ResolvedSource, functionName: string, language: LanguageId, parser: ParserHost, options: GeneratedHarnessOptions = {}): Promise<Harness> {
  const orig = await readSide(parser, language, original.text, functionName);
  const cand = await readSide(parser, language, candidate.text, functionName);
  if (orig.shape instanceof HarnessUnsupportedError) throw orig.shape;
  if (cand.shape instanceof HarnessUnsupportedError) throw new HarnessUnsupportedError(`in the candidate: ${cand.shape.reason}`);
  const parsedOriginal = orig.shape;
  const candShape = cand.shape;
  // Every case runs in a fresh process: state the candidate alone keeps between calls (a cache, a
  // call counter, a lazily built table) would only show on a second call, which is never made.
  const newState = cand.state.filter((v) => !orig.state.includes(v));
  // A candidate that reads who runs it, as whom or for how long can behave one way under the
  // harness (a driver named paraforge_*, the sandbox user, small sizes that finish fast) and another in use.
  const newReads = cand.environment.filter((v) => !orig.environment.includes(v));
  if (newReads.length > 0) {
    throw new HarnessUnsupportedError(`the candidate reads ${newReads.map((v) => `\`${v}\``).join(', ')}, which the original does not (hidden state: the program name, the user or the clock can tell the harness from a real run)`);
  }
  if (newState.length > 0) {
    throw new HarnessUnsupportedError(`the candidate keeps state between calls that the original does not (${newState.map((v) => `\`${v.replace(/ in .*/, '')}\``).join(', ')}): each case runs in a fresh process, so a second call is never checked`);
  }
  if (signatureText(parsedOriginal) !== signatureText(candShape)) {
    throw new HarnessUnsupportedError(`the candidate changed the signature of ${functionName}: ${signatureText(parsedOriginal)} → ${signatureText(candShape)}`);
  }
  // Globals reached by either side (a candidate may write one through a helper the original never
  // calls), compared when the original's file defines them too (the driver is built against both).
  const leftOut: string[] = [];
  const extra = candShape.globals.filter((g) => !parsedOriginal.globals.some((o) => o.name === g.name));
  const shape: FunctionShape = { ...parsedOriginal, globals: [...parsedOriginal.globals, ...extra.filter((g) => orig.defines.has(g.name))] };
  for (const v of new Set([...parsedOriginal.staticLocals, ...candShape.staticLocals])) leftOut.push(`static local ${v}: state the driver cannot read (only its effects on the outputs are compared)`);
  for (const g of extra) if (!orig.defines.has(g.name)) leftOut.push(`global ${g.name}: defined by the candidate only, nothing to compare it with`);
  // Facts come from the candidate's parsed text: its constants and its reductions.
  const facts = cand.facts;
  const origFacts = orig.facts;
  const constants = [...new Set([...facts.constants, ...origFacts.constants])].sort((a, b) => a - b);
  const seed = options.seed ?? defaultSeed(original.text);
  const reassociates = facts.reassociation.length > 0;
  const plan: InputPlan = planInputs(shape, { seed, constants, reassociates });
  leftOut.push(...plan.leftOut);
  // A constant only the candidate has, with no runnable size above it (`if (n > (1 << 23))`): what
  // the candidate does there is never run, so it cannot be verified.
  const beyond = plan.untestedConstants.filter((k) => facts.constants.includes(k) && !origFacts.constants.includes(k) && k < 2 ** 31);
  if (beyond.length > 0) {
    throw new HarnessUnsupportedError(`the candidate has the constant ${beyond.join(', ')}, which the original does not, and no size above it can be run here (largest ${Math.max(...plan.cases.map((c) => c.extent))} elements): what it does above that size is never checked`);
  }
  const tolerantOutputs = tolerantLabels(shape);
  const tolerant = reassociates && tolerantOutputs.size > 0;
  const largest = plan.cases.reduce((m, c) => Math.max(m, caseTolerance(facts, c.extent).relative), 0);
  const tolerance: ToleranceReport | undefined = tolerant
    ? {
        relative: largest,
        reason: facts.reassociation.map((r) => `${r.via} on ${r.type} ${r.variable} at line ${r.line} of the candidate (parsed)`).join('; '),
        appliesTo: `floating-point values of ${[...tolerantOutputs].join(', ')}; relative 4·eps·n per case (n = elements, at least 16), at most ${largest.toExponential(1)}; everything else exactly`,
      }
    : undefined;
  // The CUDA runtime sets errno while it initialises (EEXIST on an H200), so in a CUDA file errno
  // says nothing about the function: left out, and said so.
  const comparesErrno = language !== 'cuda-cpp';
  if (!comparesErrno) leftOut.push('errno: the CUDA runtime sets it internally (EEXIST seen while it initialises), so it is not compared in CUDA files');
  const compared = [
    ...(shape.returnKind !== 'void' ? ['return value'] : []),
    ...shape.params.filter((p) => p.pointer).map((p) => `${p.name}${p.readOnly ? ' (const: must not change)' : ''}: every element, ${PRE} before and ${SLACK} after, and the rest of its allocation (${LEAD} before, ${SLACK + LEAD} after)`),
    ...shape.globals.map((g) => `global ${g.name}${g.kind ? '' : ' (bytes)'}`),
    ...(comparesErrno ? ['errno'] : []),
    'the floating-point mode left after the call (rounding, flush-to-zero)',
    'stdout',
    'stderr',
    'exit status (per case and of the run)',
    'files in the work folder',
  ];
  const report: HarnessReport = { compared, leftOut, tolerance };
  const ext = original.fileName.match(/\.[^.]+$/)?.[0] ?? '.c';
  const driverName = `paraforge_driver_${functionName}${ext}`;
  const args = (cases: readonly InputCase[]) => cases.map((c) => caseArg(shape, c));
  const driverFor = (s: ResolvedSource) => driverSource(shape, s.fileName, tolerant, comparesErrno);
  const sideText = (s: ResolvedSource) => (s.text === original.text ? orig.text : s.text === candidate.text ? cand.text : s.text);
  const leftOutSeen = new Set(leftOut);
  const leaveOut = (s: string) => {
    if (!leftOutSeen.has(s)) {
      leftOutSeen.add(s);
      leftOut.push(s);
    }
  };
  const d = shape.sizeParams.length;
  const sizesDesc = d ? `sizes drawn from seed ${seed}: ${plan.cases.length} cases, every residue mod 32, around and above ${constants.length} constant${constants.length === 1 ? '' : 's'} of the candidate, up to ${Math.max(...plan.cases.map((c) => c.extent))} elements` : `${plan.cases.length} cases of varied values (seed ${seed})`;
  return {
    kind: 'generated',
    description: `generated driver for ${functionName}: ${sizesDesc}; compares ${compared.join(', ')} ${tolerant ? `(floating-point outputs of the reduction within ${tolerance!.appliesTo})` : 'exactly'}`,
    units: (s: ResolvedSource) => [
      { name: driverName, text: driverFor(s), compile: true },
      { name: s.fileName, text: sideText(s), compile: false },
    ],
    // A CUDA context per forked case would cost more than the cases: CUDA files run them in-process.
    checkArgs: [language === 'cuda-cpp' ? 'inline' : 'check', ...args(plan.cases)],
    timeArgs: ['time', ...args([plan.timing])],
    raceArgs: [
      ['inline', ...args([plan.raceSmall])],
      ['inline', ...args([plan.raceTest])],
    ],
    report,
    compare(orig: ObservedRun, cand: ObservedRun, at: RunPoint): TestRecord[] {
      const a = splitCases(orig.outcome.programStdout);
      const b = splitCases(cand.outcome.programStdout);
      const where = at.ranks !== undefined ? `@${at.ranks} ranks` : `@${at.threads ?? 1} threads`;
      const records: TestRecord[] = [];
      plan.cases.forEach((c, k) => {
        const label = `${functionName}(${Object.entries(c.sizes).map(([key, v]) => `${key}=${v}`).join(', ') || 'fixed sizes'}) ${where}`;
        const base = { name: label, seed: c.seed, sizes: c.sizes, ...at, inputs: describeCase(c) };
        const oa = a.get(k);
        if (!oa || oa.status === null || oa.status.startsWith('signal')) {
          leaveOut(`case ${k} (${describeCase(c)}): the original itself ${oa?.status ? `dies (${oa.status})` : 'did not finish it'}; not defined there`);
          return;
        }
        const cb = b.get(k);
        if (!cb || cb.status === null) {
          records.push({ ...base, passed: false, firstDifference: 'the candidate stopped before finishing this case' });
          return;
        }
        if (cb.status !== oa.status) {
          records.push({ ...base, passed: false, firstDifference: `case status: original ${oa.status}, candidate ${cb.status}` });
          return;
        }
        const t = tolerant ? caseTolerance(facts, c.extent) : { relative: 0, floor: 0 };
        const lineTol = (line: string) => (tolerantOutputs.has(labelOf(line)) ? t : { relative: 0, floor: 0 });
        const diff = firstDifference(oa.body, cb.body, lineTol);
        records.push(diff ? { ...base, passed: false, firstDifference: describeDifference(diff, 'dump'), tolerance: t.relative } : { ...base, passed: true, tolerance: t.relative });
      });
      const runBase = { seed, sizes: {}, ...at };
      const o = orig.outcome;
      const cOut = cand.outcome;
      const errDiff = firstDifference(o.stderr, cOut.stderr, 0);
      records.push(errDiff ? { ...runBase, name: `stderr ${where}`, passed: false, firstDifference: describeDifference(errDiff, 'stderr') } : { ...runBase, name: `stderr ${where}`, passed: true });
      const exitSame = o.exitCode === cOut.exitCode && o.signal === cOut.signal;
      records.push(exitSame ? { ...runBase, name: `exit status ${where}`, passed: true } : { ...runBase, name: `exit status ${where}`, passed: false, firstDifference: `exit status: original ${o.exitCode ?? o.signal}, candidate ${cOut.exitCode ?? cOut.signal}` });
      const f = compareFiles(orig, cand, 0);
      records.push(f ? { ...runBase, name: `files ${where}`, passed: false, firstDifference: f } : { ...runBase, name: `files ${where}`, passed: true });
      return records;
    },
    timeOf(outcome) {
      const m = /^paraforge-time ([0-9.eE+-]+)$/m.exec(outcome.programStdout);
      return m ? Number(m[1]) : null;
    },
  };
}
