import { mpiLaunchArgv, type Toolchains } from '../toolchains';
import { splitRanks, type Backend, type RunOutcome, type RunSpec } from './backend';
import { runLocal } from './local';

/**
 * Runs MPI programs through mpirun/mpiexec inside the same sandbox as local runs; the launcher
 * and every rank share bwrap's pid namespace, so killing bwrap leaves no rank behind.
 */
export function mpirunBackend(tc: Toolchains): Backend {
  return {
    name: 'mpirun',
    async run(spec: RunSpec): Promise<RunOutcome> {
      if (spec.ranks === undefined) return runLocal(spec);
      const launcher = mpiLaunchArgv(tc, spec.mpi ?? 'openmpi', spec.ranks);
      // OpenMPI wants a writable session dir and must not look for other hosts.
      const env = { ...spec.env, OMPI_MCA_rmaps_base_oversubscribe: '1', TMPDIR: '/tmp' };
      const r = await runLocal({ ...spec, env }, launcher);
      const split = splitRanks(r.stdout);
      return { ...r, programStdout: split.merged, perRank: split.perRank };
    },
  };
}
