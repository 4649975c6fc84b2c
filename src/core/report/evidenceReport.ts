import type { Candidate, Evidence } from '../model';

/**
 * What the editor's evidence report shows and exports for one candidate: the candidate, its diff,
 * its Evidence (or why there is none) and, for agent runs, the lineage. Plain data, so the same
 * object is posted to the webview, written as JSON and rendered as Markdown.
 */
export interface EvidenceReport {
  /** Absolute path (or name) of the document the candidate rewrites. */
  readonly file: string;
  /** The editor version the candidate was made from; it applies only at that version. */
  readonly documentVersion: number | null;
  readonly candidate: {
    readonly id: string;
    readonly target: Candidate['target'];
    readonly origin: Candidate['origin'];
    readonly parent: string | null;
    readonly description: string;
    readonly operator?: string;
    readonly assumptions?: readonly string[];
    readonly functionName: string | null;
  };
  /** Unified diff original → candidate. */
  readonly diff: string;
  /** The runner's judgement; null when it did not run (Restricted Mode, cancelled, budget). */
  readonly evidence: Evidence | null;
  /** Why there is no evidence, when `evidence` is null. */
  readonly notRunBecause?: string;
  /** Agent runs: every attempt, parent first, for the lineage view. */
  readonly lineage?: readonly LineageEntry[];
  /** "rules", "llm (provider…)", "evolve (provider…)". */
  readonly engine: string;
  /** ISO time the report was made. */
  readonly createdAt: string;
}

/** One attempt of an agent run, as the lineage shows it. */
export interface LineageEntry {
  readonly id: string;
  readonly parent: string | null;
  readonly origin: string;
  readonly operator?: string;
  readonly generation?: number;
  readonly fitness: number;
  readonly verdict: string;
  readonly note?: string;
}

/** The Evidence fields the report renders by name; anything else the runner adds is listed generically. */
const KNOWN_EVIDENCE_KEYS = new Set([
  'candidateId', 'verdict', 'summary', 'target', 'tests', 'races', 'timings', 'toolchain', 'backend', 'log',
  'staticFindings', 'preExisting', 'checkedAt', 'raceCheckedAt', 'compared', 'leftOut', 'tolerance',
]);

/** The fields newer runners add, read without depending on their exact types (they may still change). */
interface CheckFields {
  readonly staticFindings?: readonly { readonly check: string; readonly message: string; readonly line?: number }[];
  readonly preExisting?: readonly { readonly kind: string; readonly message: string; readonly lines?: readonly number[] }[];
  readonly checkedAt?: readonly number[];
  readonly raceCheckedAt?: readonly number[];
  readonly compared?: readonly string[];
  readonly leftOut?: readonly string[];
  readonly tolerance?: { readonly relative: number; readonly reason: string; readonly appliesTo?: string };
}

/** "What was checked" lines: thread counts, compared outputs, tolerance, static findings, issues the original already had. */
export function checkLines(evidence: Evidence): string[] {
  const ev = evidence as Evidence & CheckFields;
  const out: string[] = [];
  const unit = ev.target === 'mpi' ? 'ranks' : 'threads';
  if (ev.checkedAt?.length) out.push(`- outputs compared at ${ev.checkedAt.join(', ')} ${unit}`);
  if (ev.raceCheckedAt?.length) out.push(`- race-checked at ${ev.raceCheckedAt.join(', ')} threads`);
  if (ev.compared?.length) out.push(`- compared: ${ev.compared.join(', ')}`);
  if (ev.leftOut?.length) out.push(`- left out of the comparison: ${ev.leftOut.join(', ')}`);
  if (ev.tolerance) out.push(`- tolerance: relative ${ev.tolerance.relative} — ${ev.tolerance.reason}${ev.tolerance.appliesTo ? ` (${ev.tolerance.appliesTo})` : ''}`);
  for (const f of ev.staticFindings ?? []) out.push(`- static check ${f.check}: ${f.message}${f.line ? ` (candidate line ${f.line})` : ''}`);
  for (const p of ev.preExisting ?? []) out.push(`- already in the original (${p.kind}): ${p.message}${p.lines?.length ? ` (line ${p.lines.join(', ')})` : ''}`);
  return out;
}

/** Evidence fields a newer runner added (compared outputs, left-out outputs, tolerance, pre-existing races…), for generic display. */
export function extraEvidenceFields(evidence: Evidence): [string, unknown][] {
  return Object.entries(evidence).filter(([k, v]) => !KNOWN_EVIDENCE_KEYS.has(k) && v !== undefined && v !== null);
}

/** The report as pretty JSON (what "Export JSON" writes). */
export function reportToJson(report: EvidenceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function cell(s: unknown): string {
  return String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fence(text: string, lang = ''): string {
  const ticks = /```/.test(text) ? '````' : '```';
  return `${ticks}${lang}\n${text.trimEnd()}\n${ticks}`;
}

/** Human label of an extra Evidence field: `leftOut` → "left out". */
export function fieldLabel(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The report as Markdown (what "Export Markdown" writes): verdict, candidate, diff, tests, races, timings, toolchain, lineage. */
export function reportToMarkdown(report: EvidenceReport): string {
  const ev = report.evidence;
  const out: string[] = [];
  const name = report.file.split(/[\\/]/).pop();
  out.push(`# ParaForge evidence: ${name}`, '');
  out.push(`- **Verdict:** ${ev ? `${ev.verdict.toUpperCase()} — ${ev.summary}` : `NOT VERIFIED — ${report.notRunBecause ?? 'not run'}`}`);
  out.push(`- **Candidate:** \`${report.candidate.id}\` (${report.candidate.target}, ${report.candidate.origin}${report.candidate.operator ? `, ${report.candidate.operator}` : ''})`);
  out.push(`- **Change:** ${report.candidate.description}`);
  if (report.candidate.functionName) out.push(`- **Function:** \`${report.candidate.functionName}\``);
  if (report.candidate.assumptions?.length) out.push(`- **Assumes:** ${report.candidate.assumptions.join('; ')}`);
  out.push(`- **Engine:** ${report.engine}`, `- **File:** ${report.file} (document version ${report.documentVersion ?? '?'})`, `- **Made:** ${report.createdAt}`, '');
  out.push('## Diff', '', fence(report.diff || '(no change)', 'diff'), '');
  if (ev) {
    const checks = checkLines(ev);
    if (checks.length) out.push('## What was checked', '', ...checks, '');
    out.push('## Tests', '');
    if (ev.tests.length === 0) out.push('No differential tests ran.', '');
    else {
      out.push('| test | seed | sizes | threads/ranks | result | first difference |', '|---|---|---|---|---|---|');
      for (const t of ev.tests) {
        const sizes = Object.entries(t.sizes).map(([k, v]) => `${k}=${v}`).join(' ');
        out.push(`| ${cell(t.name)} | ${t.seed} | ${cell(sizes)} | ${t.ranks !== undefined ? `${t.ranks} ranks` : `${t.threads ?? 1} threads`} | ${t.passed ? 'pass' : 'FAIL'} | ${cell(t.firstDifference ?? '')} |`);
      }
      out.push('');
    }
    out.push('## Races', '');
    if (ev.races.length === 0) out.push(`None found${ev.toolchain.raceChecker ? ` (${ev.toolchain.raceChecker})` : ''}.`, '');
    for (const r of ev.races) {
      out.push(`- ${r.kind} race${r.variable ? ` on \`${r.variable}\`` : ''} (${r.tool}): ${r.locations.map((l) => `${l.file.split(/[\\/]/).pop()}:${l.line} ${l.access}`).join(', ')}`);
    }
    if (ev.races.length) out.push('');
    if (ev.timings.length) {
      const unit = ev.timings[0].ranks !== undefined ? 'ranks' : 'threads';
      out.push('## Timings', '', `| ${unit} | median s | min s | max s | speedup | efficiency |`, '|---|---|---|---|---|---|');
      for (const t of ev.timings) {
        out.push(`| ${t.ranks ?? t.threads ?? 1} | ${t.medianSeconds.toFixed(4)} | ${t.minSeconds.toFixed(4)} | ${t.maxSeconds.toFixed(4)} | ${t.speedup.toFixed(2)}× | ${(t.efficiency * 100).toFixed(0)}% |`);
      }
      out.push('');
    }
    out.push('## Toolchain', '', `- backend: ${ev.backend}`, ...Object.entries(ev.toolchain).map(([k, v]) => `- ${k}: ${v}`), '');
    const extra = extraEvidenceFields(ev);
    if (extra.length) {
      out.push('## More from the runner', '');
      for (const [k, v] of extra) out.push(`- **${fieldLabel(k)}:** ${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : `\`${JSON.stringify(v)}\``}`);
      out.push('');
    }
    if (ev.verdict !== 'verified' && ev.log.trim()) out.push('## Log', '', fence(ev.log.trim().split('\n').slice(-40).join('\n')), '');
  }
  if (report.lineage?.length) {
    out.push('## Lineage', '', '| candidate | parent | origin | operator | generation | fitness | verdict |', '|---|---|---|---|---|---|---|');
    for (const l of report.lineage) out.push(`| ${l.id} | ${l.parent ?? '—'} | ${l.origin} | ${cell(l.operator ?? '')} | ${l.generation ?? ''} | ${l.fitness.toFixed(3)} | ${cell(l.verdict)} |`);
    out.push('');
  }
  return out.join('\n');
}
