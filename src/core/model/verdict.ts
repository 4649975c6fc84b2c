import type { LoopNest } from './loop';
import type { LoopFacts } from './loopFacts';
import type { SourceRange, TextEdit } from './source';

/**
 * Contract between analysis, transform and the hosts. Analysis owns the details; hosts read
 * only what is declared here.
 */

/** Whether a loop nest can run in parallel. */
export type VerdictKind = 'parallel' | 'not-parallel' | 'not-analysable';

/** OpenMP reduction operators ParaForge recognises. */
export type ReductionOp = '+' | '*' | '-' | 'min' | 'max' | '&' | '|' | '^' | '&&' | '||';

/** Why a verdict was reached, pointing at the code responsible. */
export interface Reason {
  /** A sentence for a human: "`a[i-1]` read in iteration i is written by iteration i-1: loop-carried flow dependence". */
  readonly message: string;
  readonly range: SourceRange;
  /** Stable machine code, e.g. `flow-dependence`, `io-call`, `may-alias`; used as diagnostic.code. */
  readonly code: string;
}

/** The OpenMP clauses a parallel loop needs, exactly. */
export interface OmpClauses {
  readonly reduction: readonly { readonly op: ReductionOp; readonly var: string }[];
  readonly private: readonly string[];
  readonly lastprivate: readonly string[];
  /** Number of perfectly nested levels collapsed (1 = no collapse clause). */
  readonly collapse: number;
  readonly schedule: 'static' | 'dynamic' | 'guided' | null;
  /** `simd` may be added to the innermost loop (or the combined construct). */
  readonly simd: boolean;
}

/** A fact the rewrite depends on that ParaForge could not prove, offered as a separate action. */
export interface Assumption {
  readonly code: string;
  /** "safe if a and b do not overlap". */
  readonly message: string;
  readonly range: SourceRange;
}

/** A `#pragma omp` already present before a loop, and what it gets wrong. */
export interface ExistingPragma {
  readonly text: string;
  readonly range: SourceRange;
  /** Likely data races: dependences the pragma's clauses do not cover. */
  readonly races: readonly Reason[];
  /** Clauses that would fix the races, e.g. `reduction(+:s)`. */
  readonly missingClauses: readonly string[];
}

/** The rewrite that would be correct if the verdict's assumptions hold (offered as a separate, labelled action). */
export interface AssumedPlan {
  readonly parallelLevel: number;
  readonly clauses: OmpClauses;
  /** The loop statement that would get the pragma. */
  readonly parallelRange: SourceRange;
  /** Pointer parameter names that get `restrict` (`__restrict__` in C++) to make the assumption explicit. */
  readonly restrictTargets: readonly SourceRange[];
  /**
   * A C condition that the memory ranges the loop touches through the pointers do not overlap; with
   * it the rewrite can be versioned instead (`if (check) parallel else serial`), assuming nothing.
   */
  readonly overlapCheck?: string | null;
}

/**
 * One `#pragma omp parallel` around a sequential loop (a time loop) whose body is parallel loops
 * (`#pragma omp for`) and statements one thread runs (`#pragma omp single`), instead of a new
 * thread team for every inner loop of every step.
 */
export interface ParallelRegionPlan {
  /** The sequential loop the region encloses (the pragma goes before it). */
  readonly range: SourceRange;
  /** Variables private to each thread of the region (the sequential loop's counter, when declared outside it). */
  readonly private: readonly string[];
  /** The worksharing loops inside, with their clauses. */
  readonly loops: readonly { readonly range: SourceRange; readonly clauses: OmpClauses }[];
  /** Runs of statements between the loops that one thread executes (pointer swaps, resets). */
  readonly single: readonly SourceRange[];
  /** The one loop inside runs `schedule(static) nowait`: every carried dependence stays in one thread (nowaitReason says why). */
  readonly nowait?: boolean;
  readonly nowaitReason?: Reason;
}

/**
 * An arg-max/arg-min kept by a parallel loop (`if (v > best) { best = v; idx = i; }`): each thread
 * scans its own iterations in order with its own copies, then the copies that changed are combined
 * in a critical section, ties going to the earlier (strict comparison) or later (non-strict)
 * iteration, which reproduces the serial pair exactly (docs/SOUNDNESS.md, "Arg-max / arg-min").
 */
export interface ArgReductionPlan {
  /** The running value, its declared type, and every occurrence of it in the loop (renamed to the thread's copy). */
  readonly best: string;
  readonly bestType: string;
  readonly bestRanges: readonly SourceRange[];
  /** The index kept with it (any value computed in the iteration), likewise. */
  readonly index: string;
  readonly indexType: string;
  readonly indexRanges: readonly SourceRange[];
  /** The loop counter (it increases) and its type: the iteration of an update decides ties. */
  readonly counter: string;
  readonly counterType: string;
  /** `max`: the candidate replaces `best` when greater; `min`: when smaller. */
  readonly op: 'max' | 'min';
  /** Which of equal values the serial loop keeps: the first (`>`, `<`) or the last (`>=`, `<=`). */
  readonly ties: 'first' | 'last';
  /** Offset of the closing brace of the `if` block that updates the pair. */
  readonly updateEnd: number;
}

/**
 * Bins in a `std::vector` of an arithmetic type reduced through a pointer to its data: before the
 * loop `T *const pointer = vector.data(); const std::size_t count = vector.size();`, every
 * `vector` in the loop's updates becomes `pointer`, and the pragma says `reduction(+:pointer[:count])`.
 */
export interface VectorBinsPlan {
  /** The vector's name. */
  readonly vector: string;
  /** Its element type T, a built-in arithmetic type (typedefs followed). */
  readonly elementType: string;
  /** Fresh names for the pointer to its elements and their count (the section in the clause). */
  readonly pointer: string;
  readonly count: string;
  /** Every occurrence of the vector's name in the loop's bin updates, renamed to `pointer`. */
  readonly uses: readonly SourceRange[];
}

/** The analysis of one loop nest. */
export interface LoopVerdict {
  readonly nest: LoopNest;
  readonly verdict: VerdictKind;
  /** 1-based level of the nest that gets the pragma, or null when no level is parallel. */
  readonly parallelLevel: number | null;
  readonly clauses: OmpClauses | null;
  readonly reasons: readonly Reason[];
  /** Parallel only under these assumptions (verdict is then 'not-parallel'; a labelled action may assume them). */
  readonly assumptions: readonly Assumption[];
  readonly existingPragma: ExistingPragma | null;
  /** The loop statement that gets the pragma (the loop at parallelLevel), when verdict is 'parallel'. */
  readonly parallelRange?: SourceRange | null;
  /** What to do if the assumptions are accepted; null when there are none or they would not suffice. */
  readonly ifAssumed?: AssumedPlan | null;
  /**
   * What the analysis established about the loop that gets (or would get) the pragma: accesses,
   * dependences, scalar roles, calls, aliasing, work. For a sequential nest, the facts of its
   * outermost level. Plain JSON (see model/loopFacts.ts).
   */
  readonly facts?: LoopFacts;
  /**
   * A C condition that must hold for the parallel loop to be correct, checked at run time
   * (`&x != &y`: the caller did not pass one container twice). The rewrite is versioned:
   * `if (check) { parallel loop } else { original loop }`. Null or absent: no check needed.
   */
  readonly runtimeCheck?: string | null;
  /** On the first of several parallel loops inside one sequential loop: the single region that hosts them all. */
  readonly region?: ParallelRegionPlan | null;
  /** True on the other loops of such a region: their edits come with the first loop's (all or nothing). */
  readonly partOfRegion?: boolean;
  /**
   * Edits that put the parallel loop's header in the form OpenMP accepts (`i + 1 < n` becomes
   * `i < (n > 1 ? n - 1 : 0)`); equivalent for the serial loop too, so every rewrite applies them.
   */
  readonly headerEdits?: readonly TextEdit[];
  /**
   * Edits inside the parallel loop's body that keep its result bit for bit but read memory in a
   * better order (transform/sumNests: a column sweep or an unroll-and-jam); applied with the pragma.
   */
  readonly sweepEdits?: readonly TextEdit[];
  /** Arg-max/arg-min pairs the rewrite combines itself (transform/openmp/argReductionEdits); the pragma alone would race on them. */
  readonly argReductions?: readonly ArgReductionPlan[];
  /** Vector bins reduced through a pointer to their data (transform/openmp/edits declares it before the loop). */
  readonly vectorBins?: readonly VectorBinsPlan[];
}
