// Starts browser mode (`haul serve`, the built CLI) with a temp data folder, once for the run, and
// hands its URL to the tests through the environment.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default async function globalSetup(): Promise<() => Promise<void>> {
  const cli = path.join(root, 'out/cli/haul.mjs');
  if (!existsSync(cli)) throw new Error(`The e2e tests need the build: ${cli} is missing. Run "npm run build" first.`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-'));
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--json', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('haul serve did not print its URL within 20 s')), 20_000);
    readline.createInterface({ input: child.stdout! }).once('line', (l) => { clearTimeout(timer); resolve(l); });
    child.once('exit', (code) => reject(new Error(`haul serve exited with ${code} before it was ready`)));
  });
  const info = JSON.parse(line) as { url: string; port: number; token: string };
  process.env.HAUL_URL = info.url;
  process.env.HAUL_PORT = String(info.port);
  process.env.HAUL_DATA_DIR_E2E = dataDir;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
