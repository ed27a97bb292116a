// electron-builder cannot run here (it downloads Electron), so its configuration is checked the
// way it checks it: against its own JSON schema (node_modules/app-builder-lib/scheme.json, with
// ajv), and every file or folder it names must exist after the build.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Ajv from 'ajv';
import { WORKERS } from '../../main/core/prep/threads/workerBoot';
import { ROOT, assertFreshBuild } from './built';

const require = createRequire(import.meta.url);
// electron-builder's own YAML parser (a dependency of electron-builder).
const yaml = require('js-yaml') as { load(text: string): unknown };
type Config = Record<string, unknown> & {
  linux: Record<string, unknown>;
  win: Record<string, unknown>;
  mac: Record<string, unknown>;
  nsis: Record<string, unknown>;
  dmg: Record<string, unknown>;
};
const config = yaml.load(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema", () => {
    const schema = JSON.parse(
      readFileSync(path.join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'),
    ) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], 'schema errors').toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: an unknown key or a wrong type is refused', () => {
    const schema = JSON.parse(
      readFileSync(path.join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'),
    ) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, appID: 'typo' })).toBe(false);
    expect(validate({ ...config, asarUnpack: 7 })).toBe(false);
  });

  it('builds AppImage and deb, NSIS and dmg, with an app id and categories', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.linux.category).toBe('Utility');
    expect(config.mac.category).toBe('public.app-category.utilities');
    expect(config.asarUnpack).toEqual(['node_modules/drivelist/**', 'node_modules/azurite/**', 'out/cli/**']);
  });

  it('every path it names exists after the build', () => {
    assertFreshBuild();
    const named = [
      config.linux.icon,
      config.win.icon,
      config.mac.icon,
      config.nsis.installerIcon,
      config.nsis.uninstallerIcon,
      config.dmg.icon,
      (config.directories as { buildResources: string }).buildResources,
      (config.extraMetadata as { main: string }).main,
    ] as string[];
    for (const p of named) expect(existsSync(path.join(ROOT, p)), p).toBe(true);
    // The Linux icon folder holds the sizes desktops look for; the .ico carries 256 px.
    for (const s of [16, 32, 48, 64, 128, 256, 512])
      expect(existsSync(path.join(ROOT, 'build', 'icons', `${s}x${s}.png`))).toBe(true);
    expect(statSync(path.join(ROOT, 'build', 'icons', 'icon.ico')).size).toBeGreaterThan(10_000);
    // asarUnpack: the folders exist, and what main starts from them is there.
    expect(existsSync(path.join(ROOT, 'node_modules', 'drivelist', 'js', 'lsblk'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js'))).toBe(true);
    // every prep worker the engine starts by name (main/core/prep/threads/workerBoot.ts), so none is left out of main/build.mjs
    for (const f of ['haul.mjs', 'azuriteChild.mjs', ...WORKERS.map((w) => `${w}.mjs`)])
      expect(existsSync(path.join(ROOT, 'out', 'cli', f)), f).toBe(true);
    // files: the bundles and the package manifest main names.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe((config.extraMetadata as { main: string }).main);
    for (const f of ['out/main/index.cjs', 'out/main/tray.png', 'out/preload/index.cjs', 'out/renderer/index.html'])
      expect(existsSync(path.join(ROOT, f)), f).toBe(true);
  });
});
