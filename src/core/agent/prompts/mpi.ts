import type { ChatMessage } from '../api';
import { framedSource, SYSTEM_PROMPT } from './common';

/**
 * The MPI strategy, after MPIrigen: the model sees the whole file (MPI needs `main`: MPI_Init, the
 * decomposition, the collective that gathers the result) and answers with the whole file. The gate
 * runs it under mpirun at several rank counts and compares what rank 0 prints with the original.
 */

/** The MPI prompt: the whole file and where the work is. */
export function mpiPrompt(fileName: string, text: string, functionName: string | null): ChatMessage[] {
  const user = [
    `Parallelise this program with MPI${functionName ? `, distributing the work of \`${functionName}\`` : ''}. The whole file \`${fileName}\`:`,
    framedSource(text),
    'Decide the decomposition first (which loop, block or cyclic, what each rank owns), then the placement and arguments',
    'of the MPI calls: MPI_Init/MPI_Finalize in main, MPI_Comm_rank/size, and the collective (MPI_Reduce, MPI_Allreduce,',
    'MPI_Gatherv …) with the right counts, displacements, datatypes and root. Only rank 0 prints, exactly what the original',
    'prints; every rank count from 1 up must give the same output (handle sizes not divisible by the rank count).',
    functionName ? `Keep the signature of \`${functionName}\`.` : '',
    'Answer with the complete file in one ```c code block.',
  ]
    .filter(Boolean)
    .join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}
