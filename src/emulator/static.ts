// Static files for the demo page and browser tests. Only GET/HEAD, only files inside the
// configured folder: the resolved path must stay under the root, so `..` and encoded
// variants cannot escape.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Resolves a URL path to a file under root, or undefined when it would escape or is malformed. */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const full = resolve(join(base, decoded));
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  return full;
}

/** Returns the status sent (for the log). */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const notFound = (status = 404): number => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(status === 404 ? 'Not found\n' : 'Method not allowed\n');
    return status;
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(405);
  let file = resolveStaticPath(root, req.url ?? '/');
  if (!file) return notFound();
  try {
    let st = await stat(file);
    if (st.isDirectory()) {
      file = join(file, 'index.html');
      st = await stat(file);
    }
    if (!st.isFile()) return notFound();
    res.writeHead(200, {
      'content-type': contentType(file),
      'content-length': String(st.size),
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return 200;
    }
    createReadStream(file).pipe(res);
    return 200;
  } catch {
    return notFound();
  }
}
