// A stand-in for the system tools: answers each call from a script of recorded output, and keeps
// every call made (the key Haul wrote on standard input included, so a test can check where it
// went and where it did not).
import type { ToolCall, ToolResult, ToolRunner } from '../../main/core/system/tools';

export type Answer = Partial<ToolResult> | ((call: ToolCall) => Partial<ToolResult> | Promise<Partial<ToolResult>>);

export interface StandIn {
  run: ToolRunner;
  calls: ToolCall[];
  /** the command lines, "tool arg arg" */
  lines(): string[];
}

/**
 * `script` maps "tool first-args…" prefixes to answers; the longest matching prefix answers.
 * A call nothing matches fails the test with its command line.
 */
export function standIn(script: Record<string, Answer | Answer[]>): StandIn {
  const calls: ToolCall[] = [];
  const queues = new Map(Object.entries(script).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  const run: ToolRunner = async (call) => {
    calls.push(call);
    const line = [call.tool, ...call.args].join(' ');
    const key = [...queues.keys()]
      .filter((k) => line === k || line.startsWith(`${k} `))
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined) throw new Error(`the stand-in has no answer for: ${line}`);
    const q = queues.get(key)!;
    // a list answers in turn and then repeats its last answer
    const a = Array.isArray(q) ? (q.length > 1 ? q.shift()! : q[0]!) : q;
    const r = typeof a === 'function' ? await a(call) : a;
    return { code: 0, stdout: '', stderr: '', ...r };
  };
  return { run, calls, lines: () => calls.map((c) => [c.tool, ...c.args].join(' ')) };
}
