import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import helmet from 'koa-helmet';
import type { Middleware } from 'koa';

export interface SecurityHeaderOptions {
  /** The H5 build folder: its index.html carries Taro's inline boot script, allowed by hash. */
  h5StaticDir: string;
  /** Where the H5 portal fetches WeChat stand-ins from in dev/test (the simulator); null in production. */
  wechatBridgeUrl: string | null;
  /** The API's public origin; HSTS and upgrade-insecure-requests only make sense over https. */
  publicUrl: string;
}

/**
 * Helmet's headers on every response (API, docs, H5 portal) with one CSP written for the H5 build:
 * scripts only from our origin plus the hashes of index.html's inline boot script, styles inline
 * (Taro's components inject theirs at run time), images from us, data: and blob: (photo previews),
 * network calls to us and to the WeChat bridge the config names, never framed by another site.
 */
export function securityHeaders(options: SecurityHeaderOptions): Middleware {
  const https = options.publicUrl.startsWith('https:');
  const bridge = options.wechatBridgeUrl ? [new URL(options.wechatBridgeUrl).origin] : [];
  const inlineScripts = inlineScriptHashes(path.join(options.h5StaticDir, 'index.html'));
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'script-src': ["'self'", () => inlineScripts().join(' ')],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'", ...bridge],
        'form-action': ["'self'", ...bridge],
        'frame-ancestors': ["'none'"],
        'object-src': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
}

/**
 * sha256 sources of the inline <script> blocks of the H5 index, re-read when the file changes:
 * `npm start` builds the H5 while the API is already up, and a rebuild changes the script.
 */
function inlineScriptHashes(indexFile: string): () => string[] {
  let cached: { mtimeMs: number; hashes: string[] } | undefined;
  return () => {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(indexFile).mtimeMs;
    } catch {
      return [];
    }
    if (cached?.mtimeMs !== mtimeMs) {
      const html = fs.readFileSync(indexFile, 'utf8');
      const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
        .map((m) => m[1] ?? '')
        .filter((body) => body.length > 0)
        .map((body) => `'sha256-${crypto.createHash('sha256').update(body).digest('base64')}'`);
      cached = { mtimeMs, hashes };
    }
    return cached.hashes;
  };
}
