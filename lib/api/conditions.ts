/**
 * What start() resolves to: a condition value, as BACKUP$START returns one (seed 004, "Condition
 * Values Returned"). The option conditions keep the seed's names (NOAPIARGS, BADOPTTYP, BADOPTVAL,
 * DUPOPT); the others name what tapecoord's operations end with. The severity is VMS's low three
 * bits in words: success and informational are good, warning went on, error and severe did not.
 */
export type Severity = 'success' | 'informational' | 'warning' | 'error' | 'severe';

export const CONDITIONS = {
  NORMAL: { severity: 'success', text: 'normal successful completion' },
  /** Finished, but with volumes or cartridges skipped (butc: volsFailed, "with errors"). */
  COMPLETEDWITHERRORS: { severity: 'warning', text: 'operation completed with errors' },
  NOAPIARGS: { severity: 'severe', text: 'callable interface required parameter not specified or invalid' },
  BADOPTTYP: { severity: 'severe', text: 'invalid callable interface option type' },
  BADOPTVAL: { severity: 'severe', text: 'invalid callable interface option value' },
  DUPOPT: { severity: 'severe', text: 'previously specified callable interface option type invalid' },
  ABORTED: { severity: 'error', text: 'operation aborted by request' },
  /** No cartridge could be written or read: none writable in the set, the operator refused, none brought. */
  NOCARTRIDGE: { severity: 'error', text: 'no usable cartridge' },
  /** Nothing in the catalog matches (restore of an unknown name, a dump with no completed chain). */
  NOTFOUND: { severity: 'error', text: 'nothing in the catalog matches' },
  /** The medium was not what the catalog says (label, position, header). */
  WRONGMEDIUM: { severity: 'error', text: 'medium does not match the catalog' },
  /** The data source or sink failed (the producer's stream, the output file). */
  STREAMERR: { severity: 'error', text: 'data stream failed' },
  /** A drive, a changer or a medium failed. */
  DEVICEERR: { severity: 'error', text: 'device error' },
  /** The daemon cannot be reached or broke the protocol. */
  NOCOORDINATOR: { severity: 'severe', text: 'tape coordinator not reachable' },
} as const satisfies Record<string, { severity: Severity; text: string }>;

export type ConditionCode = keyof typeof CONDITIONS;

export interface Condition {
  code: ConditionCode;
  severity: Severity;
  /** The seed's text, then what went wrong in particular. */
  message: string;
  /** The task that ran the operation (none when the options were refused). */
  task: number | null;
  /** What the operation produced (the dump id and its pieces, the bytes restored, a listing ...). */
  result: unknown;
}

export function condition(code: ConditionCode, detail: string | null = null, task: number | null = null, result: unknown = null): Condition {
  const c = CONDITIONS[code];
  return { code, severity: c.severity, message: detail ? `${c.text}: ${detail}` : c.text, task, result };
}

/** Success or informational: the operation did what was asked. */
export function succeeded(c: Condition): boolean {
  return c.severity === 'success' || c.severity === 'informational';
}
