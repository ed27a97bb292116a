// The real ToolRunner: spawns the tool without a shell, writes its standard input (a key) and
// closes it, collects what it prints up to a bound, and stops it after its time limit. On Linux
// the tools run with LC_ALL=C, so their messages are the English ones the parsers read, whatever
// the person's language; on Windows the parsers read numbers and shapes instead (see
// main/core/bitlocker/windows.ts).
import { spawn } from 'node:child_process';
import { missingTool, ToolError, type ToolCall, type ToolResult, type ToolRunner } from './tools';

const MAX_OUTPUT = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/** The executable of a tool on this platform. */
function executable(call: ToolCall): string {
  if (process.platform !== 'win32') return call.tool;
  if (call.tool === 'manage-bde') return 'manage-bde.exe';
  if (call.tool === 'powershell') return 'powershell.exe';
  return call.tool;
}

export const spawnTool: ToolRunner = (call) =>
  new Promise<ToolResult>((resolve, reject) => {
    const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const env = process.platform === 'win32' ? process.env : { ...process.env, LC_ALL: 'C', LANG: 'C' };
    // sbin is where blkid and cryptsetup live; a desktop session's PATH may lack it.
    if (process.platform === 'linux' && !/(^|:)\/usr\/sbin(:|$)/.test(env.PATH ?? ''))
      env.PATH = `${env.PATH ?? ''}:/usr/sbin:/sbin`;
    const child = spawn(executable(call), call.args, {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const keep = (list: Buffer[]) => (d: Buffer) => {
      if (size >= MAX_OUTPUT) return;
      size += d.length;
      list.push(d);
    };
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT') reject(missingTool(call.tool));
      else if (e.code === 'EACCES')
        reject(
          new ToolError('missing', call.tool, `Haul may not run ${call.tool} (${e.code}); check its installation.`),
        );
      else reject(new ToolError('failed', call.tool, `${call.tool} could not be started: ${e.message}.`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new ToolError(
            'timeout',
            call.tool,
            `${call.tool} ${call.args[0] ?? ''} did not answer within ${timeoutMs < 10_000 ? timeoutMs / 1000 : Math.round(timeoutMs / 1000)} s and was stopped; check that the drive is still attached and try again.`,
          ),
        );
        return;
      }
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A tool that exits before reading its input closes the pipe: that is its answer, not ours to report.
    child.stdin.on('error', () => {});
    child.stdin.end(call.stdin ?? '');
  });
