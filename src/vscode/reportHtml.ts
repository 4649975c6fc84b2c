/**
 * The evidence report page's HTML shell. Plain TypeScript (no `vscode` import) so the headless
 * Chromium test renders exactly the page the webview shows. Content arrives by postMessage and is
 * built by media/report.js with DOM calls (never innerHTML), under a CSP that allows only the
 * extension's own files and the one nonce'd script.
 */
export interface ReportPageOptions {
  /** `webview.cspSource`: the origin the webview serves `asWebviewUri` files from. */
  readonly cspSource: string;
  /** A fresh random nonce per page. */
  readonly nonce: string;
  /** `asWebviewUri` of media/report.js and media/report.css. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly title: string;
}

/** A nonce for the page's CSP: 32 characters from a URL-safe alphabet. */
export function makeNonce(random: (n: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(random(32), (b) => alphabet[b % alphabet.length]).join('');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The page: a strict CSP, the stylesheet, an empty body the script fills, and the script. */
export function reportHtml(o: ReportPageOptions): string {
  const csp = [
    "default-src 'none'",
    `style-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<main id="report" aria-live="polite"><p class="muted">Loading the evidence…</p></main>
<script nonce="${o.nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}
