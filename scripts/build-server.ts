/**
 * Production build of the API: one CommonJS bundle at server/dist/main.js with the workspace
 * package @gantry/shared compiled in (it ships TypeScript source) and every npm dependency left
 * external, so `node server/dist/main.js` runs without tsx. Type checking is `npm run typecheck`.
 */
import path from 'node:path';
import { build } from 'esbuild';
import serverPackage from '../server/package.json';

const root = path.resolve(__dirname, '..');
const external = Object.keys(serverPackage.dependencies).filter((name) => !name.startsWith('@gantry/'));

build({
  entryPoints: [path.join(root, 'server/src/main.ts')],
  outfile: path.join(root, 'server/dist/main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  logLevel: 'info',
}).catch(() => process.exit(1));
