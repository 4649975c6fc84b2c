/** Files larger than this are refused unless the caller raises the limit. */
export const DEFAULT_MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/** Either the decoded text of a source file, or why it cannot be read as C/C++/CUDA. */
export type DecodedSource = { ok: true; text: string } | { ok: false; error: string };

/**
 * Decodes file bytes as UTF-8 source text, refusing binaries, other encodings and huge files
 * with a message that says what to do.
 */
export function decodeSource(bytes: Uint8Array, maxBytes = DEFAULT_MAX_SOURCE_BYTES): DecodedSource {
  if (bytes.length > maxBytes) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    return {
      ok: false,
      error: `file is ${mb(bytes.length)} MB, over the ${mb(maxBytes)} MB limit; raise the limit (--max-size MB) to analyse it anyway`,
    };
  }
  // A NUL byte never occurs in C source; it marks an object file, an image or UTF-16 text.
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return { ok: false, error: `file looks binary (NUL byte at offset ${nul}); expected C, C++ or CUDA source text` };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return {
      ok: false,
      error: `file is not valid UTF-8 (first bad byte at offset ${bad}); convert it, e.g. iconv -f latin1 -t utf-8`,
    };
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Binary search on the longest valid prefix; cheap compared with the decode itself.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}
