import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_ASSETS_DIR, CONSOLE_CSP, CONSOLE_FILES, loadConsoleAssets, VENDOR_FILES } from './console-assets';

const root = resolve(__dirname, '../../..');
const html = readFileSync(join(CONSOLE_ASSETS_DIR, 'index.html'), 'utf8');

describe('console assets', () => {
  it('are all present in the source tree', () => {
    const { assets, missing } = loadConsoleAssets();
    expect(missing).toEqual([]);
    expect([...assets.keys()].sort()).toEqual(Object.keys(CONSOLE_FILES).sort());
    expect(assets.get('app.js')?.contentType).toMatch(/^text\/javascript/);
    // Preact + htm, from the package: an ES module exporting what the components import
    expect(assets.get('htm-preact.js')?.body).toMatch(/export\s*\{[^}]*\bhtml\b[^}]*\}/);
  });

  it('every module imports only files the gateway serves (no bare specifiers, nothing remote)', () => {
    const { assets } = loadConsoleAssets();
    for (const [name, asset] of assets) {
      if (!name.endsWith('.js') || name in VENDOR_FILES) continue;
      const imports = [...asset.body.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
      for (const spec of imports) {
        expect(spec, `${name} imports ${spec}`).toMatch(/^\.\/[a-z-]+\.js$/);
        expect(Object.keys(CONSOLE_FILES), `${name} imports ${spec}`).toContain(spec.slice(2));
      }
    }
  });

  it('reports missing files instead of throwing (a build without the copy step)', () => {
    expect(loadConsoleAssets(join(root, 'no-such-dir')).missing).toEqual(
      Object.keys(CONSOLE_FILES).filter((name) => !(name in VENDOR_FILES)),
    );
  });

  it('page: no inline script, style or handler, nothing from another origin', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i);
    const local = [...html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]?.replace('/console/', ''));
    expect(local.sort()).toEqual(['app.js', 'console.css', 'forms.css']);
    expect(html).toContain('<script type="module" src="/console/app.js"></script>');
  });

  it('CSP allows scripts and styles from the gateway only', () => {
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('the build copies them next to the compiled module, which the image ships (dist/)', () => {
    const build =
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
        'build'
      ] ?? '';
    expect(build).toContain("cpSync('libs/console/src/assets', 'dist/libs/console/src/assets'");
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^COPY libs \.\/libs$/m);
    expect(dockerfile).toMatch(/^RUN npm run build/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
  });
});
