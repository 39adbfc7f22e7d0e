/**
 * butc's `-auditlog` / `-audit-interface` at startup (`src/audit/audit.c`, `audit-file.c`;
 * BUTC-SPEC §1.1 step 6). Unlike the TL/TE logs, the audit file IS rotated: an existing file is
 * renamed to `<file>.old` and a new one is created (a FIFO is opened non-blocking instead).
 * An unwritable file prints `Warning: auditlog <file> not writable, ignored.` on stdout and
 * auditing goes on without it. At startup the file gets two records: `AFS_Aud_On` (if the local
 * dir's `Audit` file lists AFS_AUDIT_AllEvents) or `AFS_Aud_Off`, then `AFS_TC_Start`, each
 * `<Www Mmm DD HH:MM:SS YYYY> EVENT <name> CODE 0 \n`.
 *
 * Not reproduced: the SysV message-queue interface (`-audit-interface sysvmq` is accepted, but no
 * records are sent to a queue), the `Echo_Trail` keyword, and the records of later RPCs.
 */
import { closeSync, constants, lstatSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { bytesOf } from './c-string.js';
import type { ButcConsole } from './console.js';
import { butcTimestamp } from './logs.js';

/** The audit interfaces of the Linux build (`audit_interfaces[]`). */
export const AUDIT_INTERFACES = ['file', 'sysvmq'] as const;

export class AuditLog {
  private constructor(private fd: number | null) {}

  /** Opens (rotating) the audit file as osi_audit_file does; never fails, it warns. */
  static open(file: string, console: ButcConsole): AuditLog {
    const path = bytesOf(file);
    let flags = constants.O_WRONLY | constants.O_TRUNC | constants.O_CREAT;
    let fifo = false;
    try {
      fifo = lstatSync(path).isFIFO();
    } catch {
      // no file yet
    }
    if (fifo) flags = constants.O_WRONLY | constants.O_NONBLOCK;
    else {
      try {
        renameSync(path, bytesOf(`${file}.old`));
      } catch {
        // rk_rename's result is ignored
      }
    }
    try {
      return new AuditLog(openSync(path, flags, 0o666));
    } catch {
      console.out(`Warning: auditlog ${file} not writable, ignored.\n`);
      return new AuditLog(null);
    }
  }

  /** True when records are written somewhere (the file opened). */
  get active(): boolean {
    return this.fd !== null;
  }

  /** The startup records: AFS_Aud_On/Off (from `<localDir>/Audit`), then AFS_TC_Start. */
  startup(localDir: string, now: Date = new Date()): void {
    let allEvents = false;
    try {
      allEvents = readFileSync(bytesOf(join(localDir, 'Audit'))).toString('latin1').split(/[ \t\n\v\f\r]+/).includes('AFS_AUDIT_AllEvents');
    } catch {
      // no Audit file: auditing of all events stays off
    }
    this.record(allEvents ? 'AFS_Aud_On' : 'AFS_Aud_Off', 0, now);
    this.record('AFS_TC_Start', 0, now);
  }

  private record(event: string, code: number, now: Date): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, bytesOf(`${butcTimestamp(now)} EVENT ${event} CODE ${code} \n`));
    } catch {
      // a FIFO without reader (EAGAIN) loses the record, as with butc's non-blocking stream
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
