import * as fs from 'node:fs';
import type { LanguageId } from '../core/model';
import { decodeSource, languageFromId, languageFromPath, SUPPORTED_EXTENSIONS } from '../core/parse';
import { UserError } from './errors';

/** A source file read from disk, decoded, with its language decided. */
export interface SourceFile {
  readonly path: string;
  readonly language: LanguageId;
  readonly text: string;
}

/** Reads a C/C++/CUDA file for a verb, or throws a UserError that says what is wrong with it. */
export function readSourceFile(file: string, options: { language?: string; maxSizeMb?: number }): SourceFile {
  const language = options.language ? languageFromId(options.language) : languageFromPath(file);
  if (!language) {
    if (options.language) throw new UserError(`unknown --language '${options.language}'; use c, cpp or cuda-cpp`);
    throw new UserError(
      `${file}: cannot tell the language from the file name; ParaForge reads ${SUPPORTED_EXTENSIONS.join(' ')} (or pass --language c|cpp|cuda-cpp)`,
    );
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? (e as Error).message})`);
  }
  if (stat.isDirectory()) throw new UserError(`${file}: is a directory; pass a source file`);
  if (!stat.isFile()) throw new UserError(`${file}: not a regular file`);
  const maxBytes = Math.round((options.maxSizeMb ?? 4) * 1024 * 1024);
  // Check the size before reading, so a huge file is refused without loading it.
  if (stat.size > maxBytes) {
    const mb = (stat.size / (1024 * 1024)).toFixed(1);
    throw new UserError(`${file}: file is ${mb} MB, over the ${(maxBytes / (1024 * 1024)).toFixed(1)} MB limit; pass --max-size MB to analyse it anyway`);
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const decoded = decodeSource(bytes, maxBytes);
  if (!decoded.ok) throw new UserError(`${file}: ${decoded.error}`);
  return { path: file, language, text: decoded.text };
}

/** Writes a result file, turning a failure into a one-line UserError (exit 2). */
export function writeOutputFile(out: string, text: string): void {
  try {
    fs.writeFileSync(out, text);
  } catch (e) {
    throw new UserError(`${out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
