// `npm start`: launch the Electron app. npm here runs no dependency install scripts, so the
// Electron binary may be missing after `npm install`; fetch it once with Electron's own
// installer (needs internet), then start the app from the built out/ folder.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
const root = path.resolve(electronDir, '..', '..');

function binary() {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

let bin = binary();
if (!bin) {
  console.error("Haul: the Electron binary is not installed yet; downloading it once with Electron's installer…");
  const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    stdio: 'inherit',
    cwd: electronDir,
  });
  bin = binary();
  if (result.status !== 0 || !bin) {
    console.error(
      'Haul: Electron could not be downloaded (no internet?). Run Haul in your browser instead: npm run serve',
    );
    process.exit(1);
  }
}
const child = spawn(bin, [root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined },
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
