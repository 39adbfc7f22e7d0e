/**
 * A SCSI medium changer (SMC-3) driven over SG_IO: /dev/sgN (or the ch driver's /dev/schN).
 *
 * - READ ELEMENT STATUS one element type per command (tgt crashes on "all", labs/vtl bug 1, and
 *   mtx does the same), with VOLTAG, and DVCID for the drives; libraries that refuse VOLTAG and
 *   DVCID together are asked twice; a report shorter than its header declares is accepted as it
 *   came when the device sent less than asked (tgt, bug 5), re-read with a larger allocation when
 *   the allocation was the limit.
 * - Every operation holds the changer's lock (device-lock.ts), so one command runs at a time,
 *   also across processes; UNIT ATTENTION and "becoming ready" are retried (lib/scsi/retry.ts).
 * - Moves are checked against a fresh element status first, so "slot 3 is empty" is said in
 *   the library's numbering before the robot is asked; the library's own refusal is mapped too.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { sgio as nativeSgio } from '../drive/sgio.js';
import { ModePageCode, modePage, modeSense6, parseModeSense6 } from '../scsi/mode-sense.js';
import { parseElementAddressAssignment, type ElementAddressAssignment } from '../scsi/changer-pages.js';
import type { ScsiCommand, SgIoFunction } from '../scsi/command.js';
import { isVolTagDvcidRefusal, mergeIdentifiers, parseElementStatus, readElementStatus, splitVolTagDvcid, type ElementStatusReport, type ReadElementStatusOptions } from '../scsi/element-status.js';
import type { ElementType } from '../scsi/element-types.js';
import { inquiry, inquiryVpd, parseStandardInquiry, parseUnitSerialNumber } from '../scsi/inquiry.js';
import { exchangeMedium, initializeElementStatus, moveMedium } from '../scsi/medium-changer.js';
import { ScsiParseError } from '../scsi/parse-error.js';
import { isScsiError, ScsiError } from '../scsi/scsi-error.js';
import { DEFAULT_RETRY, runWithRetry, type RetryPolicy } from '../scsi/retry.js';
import { SenseKey } from '../scsi/sense.js';
import { TIMEOUTS } from '../scsi/timeouts.js';
import { withLockFile } from '../util/lock-file.js';
import { describeElement, findElement, type Changer, type ChangerStatus, type DriveElement, type ElementRef } from './changer.js';
import { changerLockPath, lockDirectory } from './device-lock.js';
import { ChangerError } from './errors.js';
import { addressOf, changerStatus, elementMap, type ElementMap, type Identity } from './smc-elements.js';

export interface SmcChangerOptions {
  /** The SG_IO function (tests pass a fake library); default the native one. */
  sgio?: SgIoFunction;
  /** Where lock files go (default TAPECOORD_LOCK_DIR or /run/lock/tapecoord). */
  lockDir?: string;
  sysRoot?: string;
  /** Waiting for another process's command: default 30 minutes (an inventory can take that). */
  lockTimeoutMs?: number;
  moveTimeoutMs?: number;
  inventoryTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Fills in each drive's `device` (lib/changer/drive-map.ts maps serials to /dev/nstN). */
  mapDrives?: (drives: DriveElement[]) => Promise<void>;
}

const FIRST_ALLOCATION = 0x10000;
const MAX_ALLOCATION = 0xffffff; // 24-bit ALLOCATION LENGTH

export class SmcChanger implements Changer {
  private map: ElementMap | null = null;
  private identity: Identity | null = null;
  private assignment: ElementAddressAssignment | null | undefined;

  private constructor(
    readonly device: string,
    private readonly fh: FileHandle,
    private readonly lockPath: string,
    private readonly o: SmcChangerOptions,
    private readonly sgio: SgIoFunction,
    private readonly retry: RetryPolicy,
  ) {}

  static async open(device: string, o: SmcChangerOptions = {}): Promise<SmcChanger> {
    let fh: FileHandle;
    try {
      fh = await open(device, constants.O_RDWR | constants.O_NONBLOCK);
    } catch (e) {
      throw new ChangerError('device-error', device, `cannot open: ${(e as Error).message}`, { cause: e });
    }
    try {
      const lockPath = await changerLockPath(device, lockDirectory(o.lockDir), o.sysRoot);
      return new SmcChanger(device, fh, lockPath, o, o.sgio ?? nativeSgio, { ...DEFAULT_RETRY, ...o.retry });
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  status(): Promise<ChangerStatus> {
    return this.locked(async () => {
      const status = changerStatus(await this.readElements(), await this.readIdentity());
      if (this.o.mapDrives) await this.o.mapDrives(status.drives);
      return status;
    });
  }

  move(from: ElementRef, to: ElementRef): Promise<void> {
    return this.locked(async () => {
      const map = await this.readElements();
      const status = changerStatus(map, await this.readIdentity());
      const source = findElement(status, from);
      const destination = findElement(status, to);
      const sourceAddress = addressOf(map, from, this.device);
      const destinationAddress = addressOf(map, to, this.device);
      if (!source?.full) throw new ChangerError('source-empty', this.device, `cannot move from ${describeElement(from)}: it is empty`);
      if (destination?.full && !(from.kind === to.kind && from.index === to.index))
        throw new ChangerError('destination-full', this.device, `cannot move to ${describeElement(to)}: it holds ${destination.barcode ?? 'a cartridge'}`);
      const command = moveMedium({ transport: map.transports[0]?.address ?? 0, source: sourceAddress, destination: destinationAddress, timeoutMs: this.o.moveTimeoutMs ?? TIMEOUTS.moveMedium });
      await this.library(command, `move ${describeElement(from)} to ${describeElement(to)}`);
      this.map = null;
    });
  }

  exchange(source: ElementRef, first: ElementRef, second: ElementRef = source): Promise<void> {
    return this.locked(async () => {
      const map = await this.readElements();
      const command = exchangeMedium({
        transport: map.transports[0]?.address ?? 0,
        source: addressOf(map, source, this.device),
        firstDestination: addressOf(map, first, this.device),
        secondDestination: addressOf(map, second, this.device),
        timeoutMs: this.o.moveTimeoutMs ?? TIMEOUTS.exchangeMedium,
      });
      await this.library(command, `exchange ${describeElement(source)} with ${describeElement(first)}`);
      this.map = null;
    });
  }

  inventory(): Promise<void> {
    return this.locked(async () => {
      await this.library(initializeElementStatus({ timeoutMs: this.o.inventoryTimeoutMs ?? TIMEOUTS.initializeElementStatus }), 'inventory');
      this.map = null;
    });
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLockFile(this.lockPath, fn, { what: `changer ${this.device}`, timeoutMs: this.o.lockTimeoutMs ?? 30 * 60_000 });
  }

  private run(command: ScsiCommand) {
    return runWithRetry(this.sgio, this.fh.fd, command, this.retry);
  }

  /** A command that makes the robot act; the library's refusals become ChangerErrors. */
  private async library(command: ScsiCommand, what: string): Promise<void> {
    try {
      await this.run(command);
    } catch (e) {
      throw this.refusal(e, what);
    }
  }

  private refusal(e: unknown, what: string): unknown {
    if (!(e instanceof ScsiError)) return e;
    const say = (code: ConstructorParameters<typeof ChangerError>[0]) => new ChangerError(code, this.device, `${what}: ${e.message}`, { cause: e });
    if (isScsiError(e, SenseKey.ILLEGAL_REQUEST, 0x3b, 0x0e)) return say('source-empty'); // MEDIUM SOURCE ELEMENT EMPTY
    if (isScsiError(e, SenseKey.ILLEGAL_REQUEST, 0x3b, 0x0d)) return say('destination-full'); // MEDIUM DESTINATION ELEMENT FULL
    if (isScsiError(e, SenseKey.ILLEGAL_REQUEST, 0x21, 0x01)) return say('no-such-element'); // INVALID ELEMENT ADDRESS
    if (isScsiError(e, SenseKey.ILLEGAL_REQUEST, 0x20, 0x00)) return say('unsupported'); // INVALID COMMAND OPERATION CODE
    return say('device-error');
  }

  private async readIdentity(): Promise<Identity> {
    if (this.identity) return this.identity;
    const std = parseStandardInquiry((await this.run(inquiry())).data);
    let serial: string | null = null;
    try {
      serial = parseUnitSerialNumber((await this.run(inquiryVpd(0x80))).data) || null;
    } catch (e) {
      if (!isScsiError(e) && !(e instanceof ScsiParseError)) throw e; // no serial page: allowed
    }
    this.identity = { device: this.device, vendor: std.vendor, product: std.product, serial };
    return this.identity;
  }

  /** Mode page 1Dh, when the library has it: which element types exist (skip empty ones). */
  private async readAssignment(): Promise<ElementAddressAssignment | null> {
    if (this.assignment !== undefined) return this.assignment;
    try {
      const parameters = parseModeSense6((await this.run(modeSense6({ page: ModePageCode.ELEMENT_ADDRESS_ASSIGNMENT, disableBlockDescriptors: true }))).data);
      this.assignment = parseElementAddressAssignment(modePage(parameters, ModePageCode.ELEMENT_ADDRESS_ASSIGNMENT));
    } catch (e) {
      if (!isScsiError(e) && !(e instanceof ScsiParseError)) throw e;
      this.assignment = null; // ask every type instead
    }
    return this.assignment;
  }

  private async readElements(): Promise<ElementMap> {
    const assignment = await this.readAssignment();
    const reports: ElementStatusReport[] = [];
    const types: ElementType[] = ['medium-transport', 'storage', 'import-export', 'data-transfer'];
    for (const type of types) {
      if (assignment && assignment[type].count === 0) continue;
      try {
        reports.push(await this.readType(type));
      } catch (e) {
        // a library without mail slots may refuse the type outright when page 1Dh was unreadable
        if (!(assignment === null && type === 'import-export' && isScsiError(e, SenseKey.ILLEGAL_REQUEST))) throw this.unreadable(e, type);
      }
    }
    this.map = elementMap(reports);
    return this.map;
  }

  private unreadable(e: unknown, type: ElementType): unknown {
    if (e instanceof ScsiError || e instanceof ScsiParseError)
      return new ChangerError('device-error', this.device, `reading the status of ${type} elements: ${e.message}`, { cause: e });
    return e;
  }

  private async readType(type: ElementType): Promise<ElementStatusReport> {
    const base: ReadElementStatusOptions = { type, volumeTags: type !== 'medium-transport', deviceIdentifiers: type === 'data-transfer' };
    try {
      return await this.readReport(base);
    } catch (e) {
      if (!base.deviceIdentifiers) throw e;
      if (isVolTagDvcidRefusal(e)) {
        const [tags, identifiers] = splitVolTagDvcid(base);
        const idReport = await this.readReport(identifiers).catch(() => null);
        const tagReport = await this.readReport(tags);
        return idReport ? mergeIdentifiers(tagReport, idReport) : tagReport;
      }
      if (isScsiError(e, SenseKey.ILLEGAL_REQUEST, 0x24, 0x00)) return this.readReport({ ...base, deviceIdentifiers: false }); // no DVCID at all
      throw e;
    }
  }

  /** One READ ELEMENT STATUS, re-sent with the allocation length the report asks for. */
  private async readReport(o: ReadElementStatusOptions | ScsiCommand): Promise<ElementStatusReport> {
    let command = 'cdb' in o ? o : readElementStatus({ ...o, allocationLength: FIRST_ALLOCATION });
    for (;;) {
      const asked = command.direction === 'from-device' ? command.length : 0;
      const { data } = await this.run(command);
      const report = parseElementStatus(data, { partial: true });
      const needed = 8 + report.byteCount;
      if (!report.truncated || data.length < asked || asked >= MAX_ALLOCATION) return report; // short of what was asked: all the device has
      command = { ...command, cdb: Buffer.from(command.cdb), length: Math.min(needed, MAX_ALLOCATION) } as ScsiCommand;
      command.cdb.writeUIntBE(Math.min(needed, MAX_ALLOCATION), 7, 3); // bytes 7-9: ALLOCATION LENGTH
    }
  }
}

