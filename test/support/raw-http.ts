import net from 'node:net';

export interface RawAnswer {
  /** null when the server closed the connection without answering. */
  status: number | null;
  headers: Record<string, string>;
  body: any;
  /** How long until the answer (or the close), in ms. */
  ms: number;
}

export interface RawRequest {
  port: number;
  head: string;
  /** Written one after the other, `pauseMs` apart. */
  parts?: Array<string | Buffer>;
  pauseMs?: number;
  /** After the last part: 'end' half-closes, 'destroy' cuts the connection, 'keep' waits for the answer. */
  then?: 'end' | 'destroy' | 'keep';
  timeoutMs?: number;
}

/**
 * One HTTP/1.1 exchange over a bare socket, so a test can send what no HTTP client would: a body
 * shorter than its Content-Length, a chunked body that never ends, a connection cut mid-file.
 */
export function rawHttp(req: RawRequest): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(req.port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close within ${req.timeoutMs ?? 10_000} ms`));
    }, req.timeoutMs ?? 10_000);
    const finish = () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(received).toString('utf8'), Date.now() - started));
    };
    socket.on('data', (d: Buffer) => {
      received.push(d);
      if (complete(Buffer.concat(received).toString('utf8'))) {
        socket.destroy();
        finish();
      }
    });
    socket.on('error', () => undefined); // a reset after the server gave up is an expected end here
    socket.on('close', finish);
    socket.on('connect', async () => {
      socket.write(req.head);
      for (const part of req.parts ?? []) {
        if (req.pauseMs) await new Promise((r) => setTimeout(r, req.pauseMs));
        if (socket.destroyed) return;
        socket.write(part);
      }
      if (req.then === 'end') socket.end();
      if (req.then === 'destroy') {
        await new Promise((r) => setTimeout(r, 50)); // let the bytes leave before the cut
        socket.destroy();
      }
    });
  });
}

function complete(text: string): boolean {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, split));
  return length ? Buffer.byteLength(text.slice(split + 4)) >= Number(length[1]) : false;
}

function parseAnswer(text: string, ms: number): RawAnswer {
  const split = text.indexOf('\r\n\r\n');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
  if (!status || split < 0) return { status: null, headers: {}, body: undefined, ms };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, split).split('\r\n').slice(1)) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const raw = text.slice(split + 4);
  let body: unknown = raw;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: Number(status[1]), headers, body, ms };
}
