import { describe, expect, it } from 'vitest';
import { verifyProgram } from '../../../src/core/runner';
import { fixture } from '../../helpers/paths';
import { survivorsAfter, uniqueMarker } from './processes';

// Real OpenMPI and MPICH launchers inside the sandbox.
const base = { language: 'c' as const, target: 'mpi' as const, ranks: [1, 2, 4], repeats: 1, original: fixture('runner/mpi_sum_serial.c') };

describe('MPI verification', () => {
  it('verifies a correct MPI_Reduce rewrite at 1, 2 and 4 ranks with OpenMPI (oversubscribed)', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/mpi_sum.c') });
    expect(ev.verdict, `${ev.summary}\n${ev.log}`).toBe('verified');
    expect(ev.backend).toBe('mpirun');
    expect(ev.tests.map((t) => t.ranks)).toEqual([1, 2, 4]);
    expect(ev.timings.map((t) => t.ranks)).toEqual([1, 2, 4]);
    expect(ev.toolchain.mpi).toMatch(/openmpi/);
  });

  it('verifies the same rewrite with MPICH', async () => {
    const ev = await verifyProgram({ ...base, mpi: 'mpich', candidate: fixture('runner/mpi_sum.c') });
    expect(ev.verdict, `${ev.summary}\n${ev.log}`).toBe('verified');
    expect(ev.toolchain.mpi).toMatch(/mpich/);
  });

  it("runs an MPI program under mpirun even when the backend asked for is 'local' (the editor's default): a wrong rewrite is not verified as one process", async () => {
    const ev = await verifyProgram({ ...base, backend: 'local', candidate: fixture('runner/mpi_wrong.c') });
    expect(ev.verdict, ev.summary).toBe('wrong-output');
    expect(ev.backend).toBe('mpirun');
  });

  it('reports a per-rank mismatch as wrong output', async () => {
    const ev = await verifyProgram({ ...base, candidate: fixture('runner/mpi_wrong.c') });
    expect(ev.verdict, ev.summary).toBe('wrong-output');
    expect(ev.tests.find((t) => t.ranks === 1)!.passed).toBe(true);
    const bad = ev.tests.find((t) => t.ranks === 2)!;
    expect(bad.passed).toBe(false);
    expect(bad.firstDifference).toMatch(/sum: original .*, candidate .*rank 0/);
  });

  it('kills a deadlocked run, calls it a suspected deadlock with the ranks\' last output, and leaves no rank behind', async () => {
    const marker = uniqueMarker();
    const ev = await verifyProgram({ ...base, ranks: [1, 2], candidate: fixture('runner/mpi_deadlock.c'), args: [marker], timeoutMs: 4000 });
    expect(ev.verdict, ev.summary).toBe('timeout');
    expect(ev.summary).toMatch(/suspected deadlock at 2 ranks/);
    expect(ev.summary).toMatch(/rank 0: rank 0 computed, waiting/);
    expect(ev.summary).toMatch(/rank 1: rank 1 computed, waiting/);
    expect(await survivorsAfter(marker)).toEqual([]);
  });
});
