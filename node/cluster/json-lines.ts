import type net from 'node:net';

/** Calls `onLine` for every non-empty newline-terminated line the socket receives (JSON lines, UTF-8). */
export function readLines(s: net.Socket, onLine: (line: string) => void): void {
  let buf = '';
  s.setEncoding('utf8');
  s.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line) onLine(line);
    }
  });
}
