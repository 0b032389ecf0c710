import fs from 'node:fs';
import path from 'node:path';

/**
 * Checks the client builds that `npm test` runs before jest: every page is registered and built,
 * and the mini-program main package stays under WeChat's 2 MB limit.
 */
const CLIENT = path.resolve(__dirname, '../../client');
const PAGES_DIR = path.join(CLIENT, 'src/pages');
const WEAPP = path.join(CLIENT, 'dist/weapp');
const H5 = path.join(CLIENT, 'dist/h5');
const MAIN_PACKAGE_LIMIT = 2 * 1024 * 1024;

/** Pages that stand in for WeChat in a browser; the mini-program has WeChat itself. */
const H5_ONLY_PAGES = ['pages/login/wechat-sim/index'];

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
}

function requireBuild(dir: string, marker: string, command: string): string {
  const file = path.join(dir, marker);
  if (!fs.existsSync(file)) {
    throw new Error(
      `${path.relative(CLIENT, file)} is missing: build the client first (\`${command}\`; \`npm test\` does it).`,
    );
  }
  return file;
}

/** `pages/<name>/.../index` for every page component under client/src/pages. */
function sourcePages(dir = PAGES_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcePages(full);
    if (!/^index\.(tsx|ts|jsx|js)$/.test(entry.name) || /\.config\./.test(entry.name)) return [];
    return [
      path
        .relative(path.join(CLIENT, 'src'), full)
        .replace(/\\/g, '/')
        .replace(/\.(tsx|ts|jsx|js)$/, ''),
    ];
  });
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

function readAppJson(): AppJson {
  return JSON.parse(
    fs.readFileSync(requireBuild(WEAPP, 'app.json', 'npm run build:weapp -w client'), 'utf8'),
  ) as AppJson;
}

function subpackageRoots(app: AppJson): string[] {
  return [...(app.subPackages ?? []), ...(app.subpackages ?? [])].map((p) => p.root.replace(/\/?$/, '/'));
}

function allListedPages(app: AppJson): string[] {
  const sub = [...(app.subPackages ?? []), ...(app.subpackages ?? [])].flatMap((p) =>
    p.pages.map((page) => `${p.root.replace(/\/?$/, '/')}${page}`),
  );
  return [...app.pages, ...sub];
}

describe('client build', () => {
  it('lists every mini-program page in app.json', () => {
    const listed = allListedPages(readAppJson());
    const expected = sourcePages().filter((page) => !H5_ONLY_PAGES.includes(page));
    expect(expected.length).toBeGreaterThan(0);
    expect([...listed].sort()).toEqual([...expected].sort());
    for (const page of H5_ONLY_PAGES) expect(listed).not.toContain(page);
  });

  it('builds every listed page (js, wxml, json)', () => {
    const missing = allListedPages(readAppJson()).flatMap((page) =>
      ['js', 'wxml', 'json']
        .map((ext) => `${page}.${ext}`)
        .filter((file) => !fs.existsSync(path.join(WEAPP, file))),
    );
    expect(missing).toEqual([]);
  });

  it('keeps the main package under 2 MB', () => {
    const roots = subpackageRoots(readAppJson());
    const bytes = filesUnder(WEAPP)
      .filter(
        (file) => !roots.some((root) => path.relative(WEAPP, file).replace(/\\/g, '/').startsWith(root)),
      )
      .reduce((sum, file) => sum + fs.statSync(file).size, 0);
    console.log(
      `weapp main package: ${(bytes / 1024).toFixed(1)} KB (limit ${MAIN_PACKAGE_LIMIT / 1024} KB)`,
    );
    expect(bytes).toBeLessThan(MAIN_PACKAGE_LIMIT);
  });

  it('builds the H5 app with every page, the browser-only ones included', () => {
    const index = requireBuild(H5, 'index.html', 'npm run build:h5 -w client');
    expect(fs.readFileSync(index, 'utf8')).toContain('<div id="app">');
    const scripts = filesUnder(path.join(H5, 'js'))
      .filter((file) => file.endsWith('.js'))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    for (const page of sourcePages()) expect(scripts).toContain(page);
  });
});
