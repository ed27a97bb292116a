// The port through which Haul runs the operating system's tools (blkid, cryptsetup, mount,
// manage-bde, PowerShell): a call names the tool, its arguments and, for a secret, what goes on
// standard input (never an argument, which any user can read in the process list). Each
// platform's parser is a pure function of the text a tool printed, so it is tested against
// recorded output, and the runner itself can be replaced by a stand-in in tests.
//
// Errors say which tool, what happened and what to do: a missing tool names the package to
// install, a refusal for lack of rights says to run as administrator or root, a tool that hangs
// is stopped after its time limit. A ToolError never carries what was written to standard input.
import { HaulError } from '../../../shared/errors';

/** The tools Haul runs, by the name a person would look for. */
export type ToolName = 'blkid' | 'lsblk' | 'cryptsetup' | 'mount' | 'umount' | 'ntfs-3g' | 'manage-bde' | 'powershell';

export interface ToolCall {
  tool: ToolName;
  args: string[];
  /** written to the tool's standard input, then closed; never logged, never in an error */
  stdin?: string;
  /** stop the tool after this long (default 30 s) */
  timeoutMs?: number;
}

export interface ToolResult {
  /** the exit status (on Windows, manage-bde exits with an HRESULT: compare with `>>> 0`) */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one tool to its end. Rejects with a ToolError only when it could not run or was stopped. */
export type ToolRunner = (call: ToolCall) => Promise<ToolResult>;

export type ToolErrorCode = 'missing' | 'timeout' | 'needs-admin' | 'failed';

export class ToolError extends HaulError {
  declare readonly code: ToolErrorCode;
  constructor(
    code: ToolErrorCode,
    readonly tool: ToolName,
    message: string,
  ) {
    super(code, message);
    this.name = 'ToolError';
  }
}

export type Platform = 'linux' | 'win32' | 'darwin' | (string & {});

/** What to install (or why it is absent) when a tool is not found, per platform. */
export function installHint(tool: ToolName, platform: Platform = process.platform): string {
  switch (tool) {
    case 'cryptsetup':
      return 'install cryptsetup (Debian, Ubuntu: "sudo apt install cryptsetup-bin"; Fedora: "sudo dnf install cryptsetup"), then try again';
    case 'blkid':
    case 'lsblk':
    case 'mount':
    case 'umount':
      return 'install util-linux (Debian, Ubuntu: "sudo apt install util-linux mount"), then try again';
    case 'ntfs-3g':
      return 'install ntfs-3g (Debian, Ubuntu: "sudo apt install ntfs-3g"), or use a kernel with the ntfs3 driver, then try again';
    case 'manage-bde':
      return platform === 'win32'
        ? 'this edition of Windows has no BitLocker tools (Windows Home lacks manage-bde); use Windows Pro, Enterprise or Education'
        : 'manage-bde exists only on Windows';
    case 'powershell':
      return 'Windows PowerShell is missing or blocked by policy; ask your administrator to allow powershell.exe';
  }
}

/** The error for a tool that is not installed. */
export function missingTool(tool: ToolName, platform: Platform = process.platform): ToolError {
  return new ToolError(
    'missing',
    tool,
    `Haul needs ${tool}, which is not installed here: ${installHint(tool, platform)}.`,
  );
}

/** The error for a tool that refused for lack of rights. */
export function needsAdmin(tool: ToolName, platform: Platform = process.platform, what = 'read the drive'): ToolError {
  const how =
    platform === 'win32'
      ? 'run Haul as administrator (right-click, "Run as administrator")'
      : 'run Haul as root (for example with sudo), or give your user access to the drive';
  return new ToolError('needs-admin', tool, `${tool} may not ${what} without administrator rights: ${how}.`);
}

const MAX_DETAIL = 300;

/** A tool's own words, one line, bounded: for an error message. */
export function toolSays(r: ToolResult): string {
  const text = (r.stderr.trim() || r.stdout.trim())
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('# '))
    .join(' ');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** A tool that ended with an unexpected status: its own words, and what to do. */
export function toolFailed(call: ToolCall, r: ToolResult, fix: string): ToolError {
  const said = toolSays(r);
  return new ToolError(
    'failed',
    call.tool,
    `${call.tool} ${call.args[0] ?? ''} failed (exit status ${r.code})${said ? `: ${said}` : ''}. ${fix}`,
  );
}
