import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fixture } from './paths';

/**
 * A scripted OpenAI-compatible server on 127.0.0.1: POST /v1/chat/completions answers with the next
 * step of a script (a fixture reply, an HTTP error, a delay), as JSON or as server-sent events when
 * the request asks to stream. Only the model is fake: the real `openai` client talks to it.
 */

/** One scripted answer. */
export interface ScriptStep {
  /** Reply text, or `@name` for test/fixtures/llm/name (the file's text). */
  readonly reply?: string;
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (for timeouts). */
  readonly delayMs?: number;
}

/** A request the server received: the parsed body and the Authorization header. */
export interface ReceivedRequest {
  readonly body: { model: string; stream?: boolean; messages: { role: string; content: string }[] };
  readonly authorization: string | undefined;
}

/** The running server: its base URL, what it received, and close(). */
export interface ScriptedServer {
  readonly baseURL: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

function replyText(step: ScriptStep): string {
  const r = step.reply ?? '';
  return r.startsWith('@') ? fs.readFileSync(path.join(fixture('llm'), r.slice(1)), 'utf8') : r;
}

/** Starts a server that answers the steps in order (the last step repeats once the script is used up). */
export async function startScriptedServer(steps: readonly ScriptStep[]): Promise<ScriptedServer> {
  const requests: ReceivedRequest[] = [];
  let next = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' } }));
        return;
      }
      const body = JSON.parse(raw) as ReceivedRequest['body'];
      requests.push({ body, authorization: req.headers.authorization });
      const step = steps[Math.min(next++, steps.length - 1)];
      const answer = () => {
        if (res.destroyed) return;
        if (step.status && step.status !== 200) {
          res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
          res.end(JSON.stringify({ error: { message: `scripted ${step.status}`, type: 'scripted', code: null } }));
          return;
        }
        const text = replyText(step);
        const usage = { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: Math.ceil(text.length / 4), total_tokens: 0 };
        const id = `chatcmpl-${requests.length}`;
        const created = 1_700_000_000;
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...step.headers });
          const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
          // Several chunks, split mid-line, as real servers do.
          for (let i = 0; i < text.length; i += 37) {
            send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta: { content: text.slice(i, i + 37) }, finish_reason: null }] });
          }
          send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
          send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage });
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', ...step.headers });
        res.end(
          JSON.stringify({
            id,
            object: 'chat.completion',
            created,
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
            usage,
          }),
        );
      };
      if (step.delayMs) setTimeout(answer, step.delayMs);
      else answer();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
