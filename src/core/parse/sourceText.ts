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

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return i;
}
