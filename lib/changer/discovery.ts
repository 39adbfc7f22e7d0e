/**
 * SCSI device discovery through sysfs, as lsscsi does it: every logical unit under
 * /sys/bus/scsi/devices/H:C:T:L with its peripheral device type, INQUIRY identity, the nodes its
 * upper-level drivers made (sg, st, ch) and its unit serial number; the way back from a node
 * (/dev/nst0, /dev/sg2, a /dev/tape/by-id link) to its logical unit through /sys/class; and the
 * pairing of a changer's data transfer elements with tape drives by serial number.
 *
 * The sysfs files read (drivers/scsi/scsi_sysfs.c): `type`, `vendor`, `model`, `rev` (the
 * standard INQUIRY fields, SPC-4 §6.4.2) and `vpd_pg80` (VPD page 80h as the device returned it
 * during the scan, header included); the class directories `scsi_generic/sgN`,
 * `scsi_tape/{st,nst}N[alm]` and `scsi_changer/schN` in the device's directory, and
 * /sys/class/<class>/<node>/device back to it. Device nodes have their kernel names under /dev
 * (devtmpfs); udev only adds links to them.
 */
import { constants } from 'node:fs';
import { open, readdir, readFile, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SgIoFunction } from '../scsi/command.js';
import { inquiryVpd, parseUnitSerialNumber, PeripheralDeviceType } from '../scsi/inquiry.js';
import { ScsiParseError } from '../scsi/parse-error.js';
import { ATTENTION_ONCE, runWithRetry } from '../scsi/retry.js';

export interface DiscoveryOptions {
  /** Where sysfs is mounted (default /sys); tests pass a fake tree. */
  sysRoot?: string;
  /** Where the device nodes are (default /dev). */
  devRoot?: string;
  /**
   * When given, a device whose sysfs has no `vpd_pg80` is asked for VPD page 80h through its sg
   * node with this SG_IO function (lib/drive/sgio.ts's `sgio`).
   */
  sgio?: SgIoFunction;
}

/** SAM-5's nexus of a logical unit, as the kernel names it: host, channel (bus), target, LUN. */
export interface ScsiAddress {
  host: number;
  channel: number;
  target: number;
  lun: number;
}

interface DeviceBase {
  /** 'H:C:T:L', as lsscsi prints it in brackets. */
  hctl: string;
  address: ScsiAddress;
  /** PERIPHERAL DEVICE TYPE (SPC-4 §6.4.2): 1 sequential access (tape), 8 medium changer. */
  peripheralDeviceType: number;
  /** T10 VENDOR IDENTIFICATION, PRODUCT IDENTIFICATION, PRODUCT REVISION LEVEL, padding trimmed. */
  vendor: string;
  product: string;
  revision: string;
  /** /dev/sgN, or null when the sg driver is not bound. */
  sg: string | null;
  /** PRODUCT SERIAL NUMBER from VPD page 80h, trimmed; null when neither sysfs nor the device gave one. */
  serial: string | null;
  serialSource: 'sysfs' | 'inquiry' | null;
  /** Why asking the device for its serial failed (only with `sgio`). */
  serialError: string | null;
  /** The device's directory under /sys/devices. */
  sysfsPath: string;
}

export interface DiscoveredTape extends DeviceBase {
  kind: 'tape';
  /** The rewinding and the no-rewind node of the st driver (mode 0), null when st is not bound. */
  st: string | null;
  nst: string | null;
}

export interface DiscoveredChanger extends DeviceBase {
  kind: 'changer';
  /** The ch driver's node, /dev/schN, null when ch is not bound. */
  sch: string | null;
}

export interface DiscoveredOther extends DeviceBase {
  kind: 'other';
}

export type DiscoveredDevice = DiscoveredTape | DiscoveredChanger | DiscoveredOther;

/** Which upper-level driver made a node: st (/dev/[n]stN*), sg (/dev/sgN) or ch (/dev/schN). */
export type NodeDriver = 'st' | 'sg' | 'ch';

const HCTL = /^(\d+):(\d+):(\d+):(\d+)$/;

/** Every SCSI logical unit the kernel knows, in H:C:T:L order. No SCSI subsystem: an empty list. */
export async function discoverDevices(o: DiscoveryOptions = {}): Promise<DiscoveredDevice[]> {
  const dir = join(o.sysRoot ?? '/sys', 'bus', 'scsi', 'devices');
  const names = (await entries(dir)).filter((n) => HCTL.test(n));
  const devices = await Promise.all(names.map(async (n) => describeDevice(await realpath(join(dir, n)), o)));
  return devices.sort((a, b) => compareAddress(a.address, b.address));
}

/** The tape drives of `discoverDevices`. */
export async function discoverTapes(o: DiscoveryOptions = {}): Promise<DiscoveredTape[]> {
  return (await discoverDevices(o)).filter((d): d is DiscoveredTape => d.kind === 'tape');
}

const NODE_CLASSES: readonly [className: string, driver: NodeDriver][] = [
  ['scsi_tape', 'st'],
  ['scsi_generic', 'sg'],
  ['scsi_changer', 'ch'],
];

/**
 * The logical unit behind a device node, found through /sys/class/{scsi_tape,scsi_generic,
 * scsi_changer}/<name>/device after resolving symlinks (/dev/tape/by-id/... → /dev/nst0).
 * Null when the node is not one of those drivers' (a disk, a file, a sim: tape).
 */
export async function findDeviceByPath(path: string, o: DiscoveryOptions = {}): Promise<{ device: DiscoveredDevice; driver: NodeDriver } | null> {
  const name = basename(await realpath(path));
  for (const [className, driver] of NODE_CLASSES) {
    let dir: string;
    try {
      dir = await realpath(join(o.sysRoot ?? '/sys', 'class', className, name, 'device'));
    } catch (e) {
      if (isMissing(e)) continue;
      throw e;
    }
    return { device: await describeDevice(dir, o), driver };
  }
  return null;
}

async function describeDevice(dir: string, o: DiscoveryOptions): Promise<DiscoveredDevice> {
  const hctl = basename(dir);
  const m = HCTL.exec(hctl);
  if (!m) throw new Error(`${dir}: not a SCSI device directory (no H:C:T:L name)`);
  const node = (name: string | undefined) => (name === undefined ? null : join(o.devRoot ?? '/dev', name));
  const [typeText, vendor, product, revision, generic, tape, changer, vpd80] = await Promise.all([
    attribute(dir, 'type'),
    attribute(dir, 'vendor'),
    attribute(dir, 'model'),
    attribute(dir, 'rev'),
    entries(join(dir, 'scsi_generic')),
    entries(join(dir, 'scsi_tape')),
    entries(join(dir, 'scsi_changer')),
    readFile(join(dir, 'vpd_pg80')).catch((e: unknown) => (isMissing(e) ? null : Promise.reject(e))),
  ]);
  const type = Number.parseInt(typeText, 10);
  if (!Number.isInteger(type)) throw new Error(`${join(dir, 'type')}: '${typeText}' is not a peripheral device type`);
  const sg = node(generic.find((n) => /^sg\d+$/.test(n)));
  let serial = vpd80 === null ? null : serialFromPage(vpd80);
  let serialSource: DeviceBase['serialSource'] = serial === null ? null : 'sysfs';
  let serialError: string | null = null;
  if (serial === null && o.sgio && sg) {
    try {
      serial = (await inquireUnitSerialNumber(o.sgio, sg)) || null;
      serialSource = serial === null ? null : 'inquiry';
    } catch (e) {
      serialError = e instanceof Error ? e.message : String(e);
    }
  }
  const base: DeviceBase = {
    hctl,
    address: { host: Number(m[1]), channel: Number(m[2]), target: Number(m[3]), lun: Number(m[4]) },
    peripheralDeviceType: type,
    vendor,
    product,
    revision,
    sg,
    serial,
    serialSource,
    serialError,
    sysfsPath: dir,
  };
  if (type === PeripheralDeviceType.SEQUENTIAL_ACCESS)
    return { ...base, kind: 'tape', st: node(tape.find((n) => /^st\d+$/.test(n))), nst: node(tape.find((n) => /^nst\d+$/.test(n))) };
  if (type === PeripheralDeviceType.MEDIUM_CHANGER) return { ...base, kind: 'changer', sch: node(changer.find((n) => /^sch\d+$/.test(n))) };
  return { ...base, kind: 'other' };
}

/** `vpd_pg80` holds the Unit Serial Number page with its header (SPC-4 §7.8.1, §7.8): a page that does not parse, or an empty serial, is no serial. */
function serialFromPage(page: Buffer): string | null {
  try {
    return parseUnitSerialNumber(page) || null;
  } catch (e) {
    if (e instanceof ScsiParseError) return null;
    throw e;
  }
}

/**
 * INQUIRY VPD page 80h through SG_IO on `node` (an sg node, or an st node: st passes SG_IO on).
 * Opened read-only and non-blocking, as sg_inq does; one UNIT ATTENTION (a device's first command
 * after a reset or login reports 29/00) is taken and the command sent again.
 */
export async function inquireUnitSerialNumber(sgio: SgIoFunction, node: string): Promise<string> {
  const handle = await open(node, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const command = inquiryVpd(0x80);
    return parseUnitSerialNumber((await runWithRetry(sgio, handle.fd, command, ATTENTION_ONCE)).data);
  } finally {
    await handle.close();
  }
}

/** The tape drive (its nst node) behind each data transfer element, paired by serial number. */
export interface DriveMapping {
  /** The data transfer element, numbered as mtx does (from 0). */
  index: number;
  /** The serial the changer reports for it (DVCID), as given. */
  serial: string | null;
  tape: DiscoveredTape | null;
  /** The tape's no-rewind node: what to open for the cartridge in this drive. */
  device: string | null;
  /** How the serials paired: equal after trimming, or one the tail of the other. */
  match: 'exact' | 'suffix' | null;
}

/** A suffix shorter than this is too weak to name a drive (LTO drive serials have 10 to 12 characters). */
const MIN_SUFFIX = 6;

/**
 * Pairs each data transfer element with the tape drive reporting the same serial number. Libraries
 * report a drive's serial with DVCID (READ ELEMENT STATUS, SMC-3 §6.11; the layout of a VPD 83h designator), which may
 * carry the T10 vendor and product before it or padding around it; the drive reports it in VPD
 * page 80h. Exact matches (padding trimmed) are made first, for every element, so a weaker match
 * cannot take a drive another element names exactly; then an element whose serial ends with a
 * drive's serial, or the other way round, takes that drive when it is the only candidate left.
 * Each drive pairs at most once; an element with no unique candidate gets null.
 */
export function matchDrivesBySerial(changerDrives: { index: number; serial: string | null }[], tapes: DiscoveredTape[]): DriveMapping[] {
  const free = new Set(tapes.filter((t) => trimSerial(t.serial) !== null));
  const mappings: DriveMapping[] = changerDrives.map((d) => ({ index: d.index, serial: d.serial, tape: null, device: null, match: null }));
  const pair = (m: DriveMapping, test: (element: string, drive: string) => boolean, match: 'exact' | 'suffix') => {
    const element = trimSerial(m.serial);
    if (m.tape || element === null) return;
    const candidates = [...free].filter((t) => test(element, trimSerial(t.serial)!));
    if (candidates.length !== 1) return;
    const tape = candidates[0]!;
    free.delete(tape);
    Object.assign(m, { tape, device: tape.nst, match });
  };
  for (const m of mappings) pair(m, (a, b) => a === b, 'exact');
  for (const m of mappings) pair(m, isSuffixPair, 'suffix');
  return mappings;
}

function trimSerial(serial: string | null): string | null {
  return serial?.replace(/^[\s\0]+|[\s\0]+$/g, '') || null;
}

function isSuffixPair(a: string, b: string): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.length >= MIN_SUFFIX && longer.endsWith(shorter);
}

function compareAddress(a: ScsiAddress, b: ScsiAddress): number {
  return a.host - b.host || a.channel - b.channel || a.target - b.target || a.lun - b.lun;
}

/** A sysfs text attribute, its padding (INQUIRY fields are space-padded) and newline trimmed. */
async function attribute(dir: string, name: string): Promise<string> {
  return (await readFile(join(dir, name), 'latin1')).trim();
}

/** A directory's entries; none when it does not exist (the driver is not bound). */
async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

function isMissing(e: unknown): boolean {
  return e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'ENOTDIR');
}
