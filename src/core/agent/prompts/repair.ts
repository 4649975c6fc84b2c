import type { Evidence } from '../../model';
import type { ChatMessage } from '../api';

/**
 * Repair: what went wrong with the last proposal, made concise enough for a small model's context:
 * the first compiler errors, the failing test (inputs and first differing element), the races with
 * their lines and source text, or the timings. One user message; bounded rounds are the caller's.
 */

const MAX = 1800;

function cap(s: string, n = MAX): string {
  return s.length > n ? `${s.slice(0, n)}\n… (cut)` : s;
}

/** The lines of `log` that are compiler diagnostics (`file:line:col: error: …`) with the line after each. */
export function compilerErrors(log: string, limit = 6): string {
  const lines = log.split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (out.length < limit * 2 && /\b(error|warning: implicit)\b/.test(l) && !l.startsWith('$ ')) out.push(l.trim(), (lines[i + 1] ?? '').trimEnd());
  });
  return out.filter(Boolean).join('\n') || lines.slice(-8).join('\n');
}

/** The feedback on one judged candidate, as a short report; `candidateText` lets races quote their lines. */
export function evidenceFeedback(evidence: Evidence, candidateText: string): string {
  const src = candidateText.split('\n');
  const quote = (line: number) => (src[line - 1] ? `\`${src[line - 1].trim()}\`` : '');
  switch (evidence.verdict) {
    case 'compile-error':
      return `It does not compile:\n${cap(compilerErrors(evidence.log))}`;
    case 'race': {
      const races = evidence.races.slice(0, 4).map((r) => {
        const where = r.locations.map((l) => `${l.access} at line ${l.line} ${quote(l.line)}`).join(' and ');
        return `- ${r.kind} race${r.variable ? ` on \`${r.variable}\`` : ''}${where ? `: ${where}` : ''} (${r.tool})`;
      });
      return `The race checker found data races:\n${races.join('\n') || cap(evidence.summary)}`;
    }
    case 'wrong-output': {
      const failed = evidence.tests.filter((t) => !t.passed).slice(0, 3);
      const tests = failed.map((t) => `- ${t.name}: seed ${t.seed}, sizes ${JSON.stringify(t.sizes)}${t.threads ? `, ${t.threads} threads` : ''}${t.ranks ? `, ${t.ranks} ranks` : ''}: ${t.firstDifference ?? 'outputs differ'}`);
      return `It computes different results from the original:\n${tests.join('\n') || evidence.summary}`;
    }
    case 'runtime-error':
    case 'timeout':
      return `It fails when run: ${evidence.summary}\n${cap(evidence.log.split('\n').slice(-12).join('\n'), 900)}`;
    case 'rejected':
      return `A static check refused it before running: ${(evidence.staticFindings ?? []).map((f) => `${f.message}${f.line && !f.message.includes(`line ${f.line}`) ? ` (line ${f.line})` : ''}`).join('; ') || evidence.summary}`;
    case 'verified': {
      const t = evidence.timings.map((x) => `${x.threads ?? x.ranks}: ${x.speedup.toFixed(2)}x`).join(', ');
      return `It is correct. Speedup over the serial original by ${evidence.timings[0]?.ranks !== undefined ? 'ranks' : 'threads'}: ${t}. Make it faster without changing results.`;
    }
    default:
      return `It was not judged: ${evidence.summary}`;
  }
}

/** The repair message sent after a failed round: the feedback and what to answer. */
export function repairMessage(feedback: string, answerFormat: string): ChatMessage {
  return { role: 'user', content: `${feedback}\n\nFix this and answer again. ${answerFormat}` };
}
