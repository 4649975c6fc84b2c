/**
 * Getting code out of a model's reply: fenced blocks (possibly several, possibly cut off), or bare
 * code with prose around it. Pure text work; whether the code is acceptable is decided by splice.ts.
 */

/** The code found in a reply, or why none was. */
export type ExtractedCode = { readonly ok: true; readonly code: string; readonly truncated: boolean } | { readonly ok: false; readonly reason: string };

interface Block {
  readonly lang: string;
  readonly code: string;
  readonly closed: boolean;
}

/** Every fenced block (``` or ~~~) in order; a block whose closing fence never came is marked open. */
export function codeBlocks(reply: string): Block[] {
  const blocks: Block[] = [];
  const lines = reply.replace(/\r\n/g, '\n').split('\n');
  let open: { fence: string; lang: string; body: string[] } | null = null;
  for (const line of lines) {
    const m = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/.exec(line);
    if (!open) {
      const start = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*).*$/.exec(line);
      if (start) open = { fence: start[1], lang: start[2].toLowerCase(), body: [] };
    } else if (m && m[1][0] === open.fence[0] && m[1].length >= open.fence.length && m[2] === '') {
      blocks.push({ lang: open.lang, code: open.body.join('\n'), closed: true });
      open = null;
    } else {
      open.body.push(line);
    }
  }
  if (open) blocks.push({ lang: open.lang, code: open.body.join('\n'), closed: false });
  return blocks;
}

const CODE_LANGS = new Set(['', 'c', 'cpp', 'c++', 'cc', 'cxx', 'h', 'hpp', 'cuda', 'cu', 'cuda-cpp', 'openmp']);

function definesFunction(code: string, name: string): boolean {
  const simple = name.split('::').pop()!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${simple}\\s*\\([^;{]*\\)\\s*(?:const\\s*)?\\{`).test(code);
}

/**
 * The code of a reply: of several blocks, the one that defines `functionName` (the last such, as
 * models restate the answer after a draft), else the longest C-like one; with no fences, the reply
 * itself when it looks like code. `truncated` is true when the chosen block has no closing fence.
 */
export function extractCode(reply: string, functionName: string | null): ExtractedCode {
  const blocks = codeBlocks(reply).filter((b) => CODE_LANGS.has(b.lang) && b.code.trim() !== '');
  if (blocks.length > 0) {
    const defining = functionName ? blocks.filter((b) => definesFunction(b.code, functionName)) : [];
    const chosen = defining.length ? defining[defining.length - 1] : blocks.reduce((a, b) => (b.code.length > a.code.length ? b : a));
    return { ok: true, code: chosen.code, truncated: !chosen.closed };
  }
  if (functionName && definesFunction(reply, functionName)) {
    // Bare code: start at the first line that looks like C (an include, a pragma or the definition).
    const lines = reply.split('\n');
    const first = lines.findIndex((l) => /^\s*(#\s*(include|pragma|define)|(static|inline|void|int|double|float|long|unsigned|char|size_t|bool|template|struct)\b)/.test(l));
    return { ok: true, code: lines.slice(Math.max(0, first)).join('\n'), truncated: false };
  }
  return { ok: false, reason: functionName ? `the reply has no code block defining \`${functionName}\`` : 'the reply has no code block' };
}

/** `#pragma omp …` lines the reply gives per loop id (`L2: #pragma omp parallel for …`), last answer per loop wins. */
export function pragmaAnswers(reply: string): Map<string, string | null> {
  const answers = new Map<string, string | null>();
  for (const raw of reply.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.replace(/^[\s>*`-]+|[`*\s]+$/g, '');
    const m = /^(L\d+)\s*[:=-]\s*(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[2].trim();
    if (/^#\s*pragma\s+omp\b/.test(rest)) answers.set(m[1], rest.replace(/^#\s*pragma\s+/, '#pragma ').replace(/\s+/g, ' ').replace(/\s*;\s*$/, ''));
    else if (/^(none|no pragma|sequential|serial|leave)\b/i.test(rest)) answers.set(m[1], null);
  }
  return answers;
}
