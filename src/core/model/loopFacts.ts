import type { SourceRange } from './source';
import type { ReductionOp } from './verdict';

/**
 * LoopFacts: what the analysis established about one loop (the level that would get the
 * pragma) and the loops nested in it. Plain JSON data (no syntax nodes, no Maps), so the
 * OpenMP clause planner, the MPI/CUDA rewriters and the LLM prompts can all read it, and it can
 * be logged or sent as it is (`JSON.stringify(facts)`).
 *
 * Facts only: which pragma to write is decided from them in `transform/openmp` (planClauses,
 * costModel). Variable names are the source names; where a name is shadowed, `range` says which.
 */

/** An integer expression over loop variables and symbols, as the dependence tests read it. */
export interface AffineExpr {
  /** Human text, e.g. `2*i + n - 1`. */
  readonly text: string;
  /** Coefficient per term: `''` is the constant, `i` a variable, `i*n` a product of two names. */
  readonly terms: Readonly<Record<string, number>>;
}

/** One loop of the nest, from the analysed loop inwards. */
export interface LoopLevelFact {
  /** 0 for the analysed loop, 1 for a loop directly inside it, … */
  readonly depth: number;
  /** The induction variable, or null when the loop is not in OpenMP's canonical form. */
  readonly varName: string | null;
  /** First and last value the induction variable takes (inclusive). */
  readonly min: AffineExpr | null;
  readonly max: AffineExpr | null;
  readonly step: number | null;
  /** Iterations when both bounds are constants, else null. */
  readonly tripCount: number | null;
  /** True when a bound mentions an enclosing loop's variable (triangular or otherwise uneven work). */
  readonly boundsDependOnOuter: boolean;
  /** The enclosing loops' variables its bounds mention (`i` for `for (j = 0; j < i; j++)`). */
  readonly boundVars: readonly string[];
  /** True when this loop is the only statement of its parent's body (a candidate for collapse). */
  readonly perfectlyNested: boolean;
  readonly range: SourceRange;
}

/** A read and/or write of memory through an array, pointer or container. */
export interface AccessFact {
  /** The array, pointer or container name (`a` in `a[i][j]`). */
  readonly array: string;
  /** The access as written, e.g. `a[i*n + j]`. */
  readonly text: string;
  readonly read: boolean;
  readonly write: boolean;
  /** One expression per dimension (after delinearising `a[i*n+j]`); null per dimension or overall when not affine. */
  readonly subscripts: readonly (AffineExpr | null)[] | null;
  /** The symbol used to delinearise `a[i*n + j]` into `[i][j]`, when it was. */
  readonly delinearisedBy: string | null;
  /** Induction variables of the loops around the access, outermost first (within the analysed nest). */
  readonly loopVars: readonly string[];
  readonly range: SourceRange;
}

/** A dependence between two accesses at one loop level (or the proof that there is none). */
export interface DependenceFact {
  readonly array: string;
  /** The earlier (writing) access and the other one, as written. */
  readonly source: string;
  readonly sink: string;
  /** flow (write then read), anti (read then write), output (write/write), or unknown (subscripts not affine). */
  readonly kind: 'flow' | 'anti' | 'output' | 'unknown' | 'none';
  /** Loop variable of the level tested. */
  readonly loopVar: string;
  /** 0 for the analysed loop, 1 for the next collapsed level, … */
  readonly depth: number;
  /** True when the dependence crosses iterations of that level (it blocks parallelising it). */
  readonly carried: boolean;
  /** Iterations apart (sink minus source) when constant, else null. */
  readonly distance: number | null;
  /** `<` forward, `>` backward, `=` same iteration, `*` unknown. */
  readonly direction: '<' | '=' | '>' | '*';
  /** Which test decided it (ZIV, strong SIV, GCD, Banerjee bounds, unknown subscripts). */
  readonly test: string;
  readonly range: SourceRange;
}

/** How a scalar written in the loop must be treated. */
export type ScalarRole =
  /** Written before it is read in every iteration: one copy per thread. */
  | 'private'
  /** Private, and its value after the loop is used: the last iteration's value must survive. */
  | 'lastprivate'
  /** Only updated with one associative operator. */
  | 'reduction'
  /** Its value flows from one iteration to the next: the loop is sequential. */
  | 'carried'
  /** A loop counter of the analysed or a nested loop. */
  | 'induction';

/** A scalar the loop writes. */
export interface ScalarFact {
  readonly name: string;
  readonly role: ScalarRole;
  readonly op?: ReductionOp;
  /** Declared in the loop body, in the function outside the loop, as a parameter, or at file scope. */
  readonly declared: 'inside' | 'function' | 'param' | 'global';
  /** The loop's last value may be read after it (drives lastprivate). */
  readonly liveAfter: boolean;
  /** C type text as declared (`double`, `int`, `std::size_t`). */
  readonly type: string;
  readonly range: SourceRange;
}

/** A call made in the loop and what it may do. */
export interface CallFact {
  readonly name: string;
  /** pure: no side effects (libm, std::min, size()); user-pure: a function of this file that only reads; fill: memset/memcpy into a named array (a memory write the loop's facts hold); unsafe; macro. */
  readonly effect: 'pure' | 'user-pure' | 'fill' | 'unsafe' | 'macro';
  /** For unsafe calls: the reason code (io-call, hidden-state-call, unknown-call, …). */
  readonly code?: string;
  /** Globals a user-pure callee reads. */
  readonly globalsRead?: readonly string[];
  readonly range: SourceRange;
}

/** Whether two memory objects the loop uses may overlap. */
export interface AliasFact {
  readonly a: string;
  readonly b: string;
  /** distinct: proven separate; may-alias-params: parameters, safe only if the caller's buffers do not overlap; may-alias: unknown. */
  readonly kind: 'distinct' | 'may-alias-params' | 'may-alias';
  /** Why (restrict, local array, distinct containers, both parameters, …). */
  readonly why: string;
}

/** How much work the loop does, for the cost model. */
export interface WorkFacts {
  /** Iterations of the analysed loop when known. */
  readonly tripCount: number | null;
  /** Iterations of the whole nest (product of known trip counts), null when any is unknown. */
  readonly nestIterations: number | null;
  /** Rough operations in the loop body as written (assignments, arithmetic, accesses; a call counts 10). */
  readonly bodyCost: number;
  /** Operations of the whole loop (trip counts × body costs, inner loops included) when every trip count is known. */
  readonly estimatedOps: number | null;
  /** Inner loop bounds depend on the analysed loop's variable (triangular: uneven iterations). */
  readonly triangular: boolean;
  /** An `if`/`switch` around an inner loop, an inner while/do loop, or a call to a function of this file that loops: iterations may cost very different amounts. */
  readonly imbalanced: boolean;
  /** The loop sits in `main` (set-up loops there are usually too small to pay). */
  readonly inMain: boolean;
  /** The loop only writes memory (reads no array): an initialisation loop. */
  readonly initialisesOnly: boolean;
  /** Number of sequential loops around the analysed loop in its function (a time loop gives 1). */
  readonly enclosingLoops: number;
  /** The loop calls no function and has no nested loop: the compiler may vectorise it as it is. */
  readonly vectorisable: boolean;
}

/** Everything the analysis established about one loop level. */
export interface LoopFacts {
  /** 1-based level of the analysed loop in its nest. */
  readonly level: number;
  readonly varName: string | null;
  readonly range: SourceRange;
  /** The analysed loop and the loops inside it, outermost first. */
  readonly loops: readonly LoopLevelFact[];
  /** How many perfectly nested levels from the analysed loop are independent (1 when none can be collapsed). */
  readonly independentLevels: number;
  readonly accesses: readonly AccessFact[];
  /** Dependences tested at the analysed level (and the collapsed ones), carried or disproved. */
  readonly dependences: readonly DependenceFact[];
  readonly scalars: readonly ScalarFact[];
  readonly calls: readonly CallFact[];
  readonly aliases: readonly AliasFact[];
  readonly work: WorkFacts;
}
