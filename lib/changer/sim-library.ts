/**
 * The simulated library: the changer the daemon uses when no hardware is configured, and the one
 * the tests and demos move cartridges in. Drives, storage slots, import/export slots (mail
 * slots) and barcodes, with SMC's rules for MOVE MEDIUM and EXCHANGE MEDIUM; each cartridge is a
 * simulated tape image (docs/SIMTAPE.md) that a loaded drive names as `sim:PATH`.
 *
 * The state is one JSON file, `<dir>/library.json`, replaced atomically (temporary file, fsync,
 * rename, fsync of the directory), so a reader never sees half a state and a kill at any moment
 * leaves the old or the new one. Each read-modify-write holds the lock file beside it, so the
 * daemon and a CLI can share a library. Nothing is held between calls.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockTimeoutError, withLockFile } from '../util/lock-file.js';
import { describeElement, type Changer, type ChangerStatus, type ElementRef } from './changer.js';
import { ChangerError } from './errors.js';

export interface SimLayout {
  drives: number;
  /** Storage slots. */
  slots: number;
  /** Import/export slots, numbered after the storage slots as mtx does. */
  importExport: number;
}

export const DEFAULT_SIM_LAYOUT: Readonly<SimLayout> = { drives: 2, slots: 10, importExport: 1 };

export interface SimLibraryOptions {
  /** Where library.json and the cartridges/ images live. */
  dir: string;
  /** The layout of a library created now; an existing library must have this layout when given. */
  layout?: SimLayout;
  /**
   * The cartridges a library created now holds, in storage slots 1, 2, ...: barcodes, null for a
   * cartridge without one. Default: four fifths of the slots, TC0001L9, TC0002L9, ...
   */
  cartridges?: (string | null)[];
  /** How long the simulated robot takes for a move or an exchange (default 0). */
  moveLatencyMs?: number;
}

/** A cartridge as the library knows it. */
export interface SimCartridge {
  barcode: string | null;
  /** Absolute path of its simulated tape image (created by the first open with `create: true`). */
  image: string;
}

/** LTO-9 style barcodes: TC0001L9, TC0002L9, ... */
export function defaultBarcodes(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `TC${String(i + 1).padStart(4, '0')}L9`);
}

/** A primary volume tag as SMC carries it: up to 32 graphic ASCII characters. */
const VOLUME_TAG = /^[\x21-\x7e]{1,32}$/;
/** Barcodes that can name their image file as they are. */
const FILE_NAME_SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._~-]*\.simtape$/;
const STATE_VERSION = 1;

// Element addresses as a real library assigns them (SMC MODE SENSE page 1Dh); simulated, and
// only informative: everything above speaks mtx numbers.
const TRANSPORT_ADDRESS = 1;
const IMPORT_EXPORT_BASE = 0x10;
const DRIVE_BASE = 0x100;
const STORAGE_BASE = 0x1000;

interface CartridgeState {
  barcode: string | null;
  /** File name under cartridges/. */
  image: string;
}

interface ElementState {
  cartridge: CartridgeState | null;
  /** Drives only: mtx slot the cartridge came from (SVALID). */
  sourceSlot?: number | null;
}

interface LibraryState {
  version: typeof STATE_VERSION;
  serial: string;
  layout: SimLayout;
  /** Numbers image names that cannot be the barcode alone (no barcode, a duplicate barcode). */
  nextImage: number;
  drives: (ElementState & { sourceSlot: number | null })[];
  /** Storage slots, then import/export slots. */
  slots: ElementState[];
}

export class SimLibrary implements Changer {
  /** The state file: how the library is named in messages. */
  readonly device: string;
  private readonly lockPath: string;

  private constructor(
    readonly dir: string,
    private readonly moveLatencyMs: number,
  ) {
    this.device = join(dir, 'library.json');
    this.lockPath = `${this.device}.lock`;
  }

  /** Opens the library in `o.dir`, creating it (state and cartridges/ directory) the first time. */
  static async open(o: SimLibraryOptions): Promise<SimLibrary> {
    const latency = o.moveLatencyMs ?? 0;
    const lib = new SimLibrary(resolve(o.dir), latency);
    if (!(latency >= 0)) throw new ChangerError('config', lib.device, `move latency: expected milliseconds, got ${latency}`);
    const wanted = o.layout && checkLayout(o.layout, lib.device, 'options.layout');
    await mkdir(join(lib.dir, 'cartridges'), { recursive: true });
    await lib.locked(async () => {
      const state = await lib.read();
      if (!state) return lib.save(lib.create(wanted ?? { ...DEFAULT_SIM_LAYOUT }, o.cartridges));
      if (wanted && (['drives', 'slots', 'importExport'] as const).some((k) => wanted[k] !== state.layout[k])) {
        throw new ChangerError(
          'config',
          lib.device,
          `the library has ${layoutText(state.layout)}, the configuration asks for ${layoutText(wanted)} (remove the state file to start a new library)`,
        );
      }
    });
    return lib;
  }

  private imagePath(cartridge: CartridgeState): string {
    return join(this.dir, 'cartridges', cartridge.image);
  }

  async status(): Promise<ChangerStatus> {
    // No lock: the state file is only ever replaced whole.
    const s = await this.load();
    const { slots } = s.layout;
    return {
      device: this.device,
      vendor: 'TAPECOORD',
      product: 'SIMLIBRARY',
      serial: s.serial,
      transports: [{ address: TRANSPORT_ADDRESS, full: false }],
      drives: s.drives.map((d, i) => ({
        index: i,
        address: DRIVE_BASE + i,
        full: d.cartridge !== null,
        barcode: d.cartridge?.barcode ?? null,
        sourceSlot: d.sourceSlot,
        device: d.cartridge ? `sim:${this.imagePath(d.cartridge)}` : null,
        serial: `${s.serial}D${i}`,
        vendor: 'TAPECOORD',
        product: 'SIMDRIVE',
        exception: null,
      })),
      slots: s.slots.map((e, i) => ({
        index: i + 1,
        address: i < slots ? STORAGE_BASE + i : IMPORT_EXPORT_BASE + i - slots,
        full: e.cartridge !== null,
        barcode: e.cartridge?.barcode ?? null,
        importExport: i >= slots,
        accessible: true,
        exception: null,
      })),
    };
  }

  move(from: ElementRef, to: ElementRef): Promise<void> {
    return this.update(true, (s) => {
      const source = this.element(s, from);
      const destination = this.element(s, to);
      if (!source.cartridge) throw new ChangerError('source-empty', this.device, `cannot move from ${describeElement(from)}: it is empty`);
      if (destination.cartridge) throw new ChangerError('destination-full', this.device, `cannot move to ${describeElement(to)}: it is full`);
      const cartridge = source.cartridge;
      const origin = originOf(from, source);
      take(from, source);
      put(to, destination, cartridge, origin);
    });
  }

  exchange(source: ElementRef, first: ElementRef, second: ElementRef = source): Promise<void> {
    return this.update(true, (s) => {
      const a = this.element(s, source);
      const b = this.element(s, first);
      const c = this.element(s, second);
      const what = `cannot exchange ${describeElement(source)} with ${describeElement(first)}`;
      if (!a.cartridge) throw new ChangerError('source-empty', this.device, `${what}: ${describeElement(source)} is empty`);
      if (!b.cartridge) throw new ChangerError('source-empty', this.device, `${what}: ${describeElement(first)} is empty (use a move)`);
      if (a === b) throw new ChangerError('destination-full', this.device, `${what}: it is the same element`);
      if (c !== a && c.cartridge) {
        throw new ChangerError('destination-full', this.device, `${what} into ${describeElement(second)}: it is full`);
      }
      const [x, y] = [a.cartridge, b.cartridge];
      const [xOrigin, yOrigin] = [originOf(source, a), originOf(first, b)];
      take(source, a);
      take(first, b);
      put(first, b, x, xOrigin);
      put(second, c, y, yOrigin);
    });
  }

  /** Re-reads and re-validates the state; a simulated library has nothing to scan. */
  async inventory(): Promise<void> {
    await this.load();
  }

  /** Every cartridge the library holds (drives, then slots), with its image path. */
  async cartridges(): Promise<SimCartridge[]> {
    const s = await this.locked(() => this.load());
    return [...s.drives, ...s.slots].flatMap((e) => (e.cartridge ? [this.cartridge(e.cartridge)] : []));
  }

  /** Nothing to release: no file or lock is held between calls. */
  async close(): Promise<void> {}

  /**
   * The operator puts a cartridge into an import/export slot (mtx slot number) by hand. A barcode
   * seen before gets its image back, so a cartridge taken out and put back keeps its data.
   */
  operatorInsert(index: number, barcode: string | null): Promise<SimCartridge> {
    if (barcode !== null && !VOLUME_TAG.test(barcode)) {
      throw new RangeError(`barcode ${JSON.stringify(barcode)}: a volume tag is 1 to 32 printable ASCII characters without blanks`);
    }
    return this.update(false, (s) => {
      const slot = this.mailSlot(s, index);
      if (slot.cartridge) throw new ChangerError('destination-full', this.device, `cannot insert into slot ${index}: it is full`);
      slot.cartridge = { barcode, image: imageName(s, barcode) };
      return this.cartridge(slot.cartridge);
    });
  }

  /** The operator takes the cartridge out of an import/export slot (mtx slot number). */
  operatorRemove(index: number): Promise<SimCartridge> {
    return this.update(false, (s) => {
      const slot = this.mailSlot(s, index);
      if (!slot.cartridge) throw new ChangerError('source-empty', this.device, `cannot remove from slot ${index}: it is empty`);
      const removed = this.cartridge(slot.cartridge);
      slot.cartridge = null;
      return removed;
    });
  }

  private cartridge(c: CartridgeState): SimCartridge {
    return { barcode: c.barcode, image: this.imagePath(c) };
  }

  private element(s: LibraryState, ref: ElementRef): ElementState {
    const e = ref.kind === 'drive' ? s.drives[ref.index] : ref.index >= 1 ? s.slots[ref.index - 1] : undefined;
    if (!Number.isInteger(ref.index) || !e) {
      const { drives, slots, importExport } = s.layout;
      const ie = importExport === 0 ? '' : importExport === 1 ? `, ${slots + 1} is import/export` : `, ${slots + 1}-${slots + importExport} are import/export`;
      throw new ChangerError('no-such-element', this.device, `no ${describeElement(ref)}: the library has drives 0-${drives - 1} and slots 1-${slots + importExport}${ie}`);
    }
    return e;
  }

  private mailSlot(s: LibraryState, index: number): ElementState {
    const slot = this.element(s, { kind: 'slot', index });
    const { slots, importExport } = s.layout;
    if (index <= slots) {
      const where = importExport === 0 ? 'this library has none' : `${slots + 1} and up`;
      throw new ChangerError('no-such-element', this.device, `slot ${index} is a storage slot; the operator reaches import/export slots only (${where})`);
    }
    return slot;
  }

  private create(layout: SimLayout, cartridges: (string | null)[] | undefined): LibraryState {
    const barcodes = cartridges ?? defaultBarcodes(Math.floor((layout.slots * 4) / 5));
    if (barcodes.length > layout.slots) {
      throw new ChangerError('config', this.device, `${barcodes.length} cartridges do not fit in ${layout.slots} storage slots`);
    }
    const bad = barcodes.find((b) => b !== null && !VOLUME_TAG.test(b));
    if (bad !== undefined) throw new ChangerError('config', this.device, `cartridge barcode ${JSON.stringify(bad)}: a volume tag is 1 to 32 printable ASCII characters without blanks`);
    const s: LibraryState = {
      version: STATE_VERSION,
      serial: `SIM${randomBytes(4).toString('hex').toUpperCase()}`,
      layout,
      nextImage: 1,
      drives: Array.from({ length: layout.drives }, () => ({ cartridge: null, sourceSlot: null })),
      slots: Array.from({ length: layout.slots + layout.importExport }, () => ({ cartridge: null })),
    };
    barcodes.forEach((barcode, i) => {
      s.slots[i]!.cartridge = { barcode, image: imageName(s, barcode) };
    });
    return s;
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await withLockFile(this.lockPath, fn, { what: `simulated library ${this.device}` });
    } catch (e) {
      if (e instanceof LockTimeoutError) throw new ChangerError('device-error', this.device, e.message, { cause: e });
      throw e;
    }
  }

  /** One read-modify-write under the lock; `fn` throws to leave the state as it was. */
  private update<T>(robot: boolean, fn: (s: LibraryState) => T): Promise<T> {
    return this.locked(async () => {
      const s = await this.load();
      const result = fn(s);
      if (robot && this.moveLatencyMs > 0) await sleep(this.moveLatencyMs);
      await this.save(s);
      return result;
    });
  }

  private async load(): Promise<LibraryState> {
    const s = await this.read();
    if (!s) throw new ChangerError('config', this.device, 'the library state is gone (removed since the library was opened?)');
    return s;
  }

  /** The state, or null when there is no state file yet. */
  private async read(): Promise<LibraryState | null> {
    let text: string;
    try {
      text = await readFile(this.device, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ChangerError('config', this.device, `cannot read the library state: ${(e as Error).message}`, { cause: e });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ChangerError('config', this.device, `not a library state (JSON): ${(e as Error).message}`, { cause: e });
    }
    return validateState(value, this.device);
  }

  private async save(s: LibraryState): Promise<void> {
    // One temporary name is enough: only the lock holder writes, and a leftover from a killed
    // writer is simply overwritten.
    const tmp = `${this.device}.tmp`;
    try {
      const fh = await open(tmp, 'w', 0o644);
      try {
        await fh.writeFile(`${JSON.stringify(s, null, 2)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.device);
      const dir = await open(this.dir, 'r');
      try {
        await dir.sync(); // so the rename itself survives a crash
      } finally {
        await dir.close();
      }
    } catch (e) {
      await rm(tmp, { force: true });
      throw new ChangerError('device-error', this.device, `cannot write the library state: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** The mtx slot a cartridge leaving `ref` counts as coming from: the slot, or the drive's own source. */
function originOf(ref: ElementRef, e: ElementState): number | null {
  return ref.kind === 'slot' ? ref.index : (e.sourceSlot ?? null);
}

function take(ref: ElementRef, e: ElementState): void {
  e.cartridge = null;
  if (ref.kind === 'drive') e.sourceSlot = null;
}

/** SVALID: a drive remembers where its cartridge came from; drive to drive keeps the slot. */
function put(ref: ElementRef, e: ElementState, cartridge: CartridgeState, origin: number | null): void {
  e.cartridge = cartridge;
  if (ref.kind === 'drive') e.sourceSlot = origin;
}

/** The image file for a new cartridge: the barcode's name when it is free, else a numbered one. */
function imageName(s: LibraryState, barcode: string | null): string {
  const inUse = new Set([...s.drives, ...s.slots].flatMap((e) => (e.cartridge ? [e.cartridge.image] : [])));
  const named = barcode !== null && FILE_NAME_SAFE.test(barcode);
  if (named && !inUse.has(`${barcode}.simtape`)) return `${barcode}.simtape`;
  const stem = named ? `${barcode}~` : 'cartridge-';
  for (;;) {
    const name = `${stem}${s.nextImage++}.simtape`;
    if (!inUse.has(name)) return name;
  }
}

function layoutText(l: SimLayout): string {
  return `${l.drives} drives, ${l.slots} storage slots and ${l.importExport} import/export slots`;
}

// ---- validation of a state read from disk: every field, named by its path in the JSON ----

function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(file: string, field: string, expected: string, value: unknown): ChangerError {
  return new ChangerError('config', file, `${field}: expected ${expected}, got ${show(value)}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function integer(file: string, field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
    throw invalid(file, field, max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`, v);
  }
  return v as number;
}

function checkLayout(v: unknown, file: string, field: string): SimLayout {
  if (!isObject(v)) throw invalid(file, field, '{ drives, slots, importExport }', v);
  return {
    drives: integer(file, `${field}.drives`, v['drives'], 1),
    slots: integer(file, `${field}.slots`, v['slots'], 1),
    importExport: integer(file, `${field}.importExport`, v['importExport'], 0),
  };
}

function checkCartridge(file: string, field: string, v: unknown): CartridgeState | null {
  if (v === null) return null;
  if (!isObject(v)) throw invalid(file, field, 'null or { barcode, image }', v);
  const barcode = v['barcode'];
  if (barcode !== null && !(typeof barcode === 'string' && VOLUME_TAG.test(barcode))) {
    throw invalid(file, `${field}.barcode`, 'null or 1 to 32 printable ASCII characters without blanks', barcode);
  }
  const image = v['image'];
  if (typeof image !== 'string' || !IMAGE_NAME.test(image)) throw invalid(file, `${field}.image`, 'a file name ending in .simtape', image);
  return { barcode, image };
}

function elements(file: string, field: string, v: unknown, length: number): Record<string, unknown>[] {
  if (!Array.isArray(v) || v.length !== length) throw invalid(file, field, `an array of ${length} elements (from layout)`, v);
  return v.map((e, i) => {
    if (!isObject(e)) throw invalid(file, `${field}[${i}]`, '{ cartridge, ... }', e);
    return e;
  });
}

/** The state as written by save(), or ChangerError 'config' naming the first wrong field. */
function validateState(v: unknown, file: string): LibraryState {
  if (!isObject(v)) throw invalid(file, 'the state', 'a JSON object', v);
  if (v['version'] !== STATE_VERSION) throw invalid(file, 'version', `${STATE_VERSION} (another tapecoord version wrote it?)`, v['version']);
  const serial = v['serial'];
  if (typeof serial !== 'string' || !/^[\x21-\x7e]{1,32}$/.test(serial)) throw invalid(file, 'serial', 'a serial number', serial);
  const layout = checkLayout(v['layout'], file, 'layout');
  const nextImage = integer(file, 'nextImage', v['nextImage'], 1);
  const allSlots = layout.slots + layout.importExport;
  const drives = elements(file, 'drives', v['drives'], layout.drives).map((d, i) => {
    const cartridge = checkCartridge(file, `drives[${i}].cartridge`, d['cartridge']);
    const sourceSlot = d['sourceSlot'] === null ? null : integer(file, `drives[${i}].sourceSlot`, d['sourceSlot'], 1, allSlots);
    if (!cartridge && sourceSlot !== null) throw invalid(file, `drives[${i}].sourceSlot`, 'null for an empty drive', sourceSlot);
    return { cartridge, sourceSlot };
  });
  const slots = elements(file, 'slots', v['slots'], allSlots).map((e, i) => ({ cartridge: checkCartridge(file, `slots[${i}].cartridge`, e['cartridge']) }));
  // Duplicate barcodes happen in real libraries; one image in two places would be one tape in two.
  const seen = new Map<string, string>();
  const check = (field: string, c: CartridgeState | null) => {
    if (!c) return;
    const other = seen.get(c.image);
    if (other) throw new ChangerError('config', file, `${field}.image: '${c.image}' is also ${other}`);
    seen.set(c.image, field);
  };
  drives.forEach((d, i) => check(`drives[${i}].cartridge`, d.cartridge));
  slots.forEach((e, i) => check(`slots[${i}].cartridge`, e.cartridge));
  return { version: STATE_VERSION, serial, layout, nextImage, drives, slots };
}
