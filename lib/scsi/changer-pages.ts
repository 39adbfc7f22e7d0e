/**
 * The changer's own mode pages (SMC-3, mode parameters): element address assignment (1Dh), where
 * each type of element starts and how many there are, and device capabilities (1Fh), which moves
 * and exchanges the robot can make.
 */
import { ELEMENT_TYPES, type ElementType } from './element-types.js';
import { type ModePage, ModePageCode, pageReader } from './mode-sense.js';

export interface ElementRange {
  first: number;
  count: number;
}

export type ElementAddressAssignment = Record<ElementType, ElementRange>;

/** Page 1Dh: four (first address, count) pairs of 2 bytes each, from byte 2. */
export function parseElementAddressAssignment(page: ModePage): ElementAddressAssignment {
  const r = pageReader(page, ModePageCode.ELEMENT_ADDRESS_ASSIGNMENT, 'element address assignment');
  r.need(0, 18, 'element address assignment page');
  const range = (at: number, name: string): ElementRange => ({ first: r.u16(at, `FIRST ${name} ELEMENT ADDRESS`), count: r.u16(at + 2, `NUMBER OF ${name} ELEMENTS`) });
  return {
    'medium-transport': range(2, 'MEDIUM TRANSPORT'), // bytes 2-5
    storage: range(6, 'STORAGE'), // bytes 6-9
    'import-export': range(10, 'IMPORT/EXPORT'), // bytes 10-13
    'data-transfer': range(14, 'DATA TRANSFER'), // bytes 14-17
  };
}

/** One bit per element type: bit 0 medium transport, 1 storage, 2 import/export, 3 data transfer. */
export type ElementTypeSet = Record<ElementType, boolean>;

export interface DeviceCapabilities {
  /** STORxx (byte 2): elements of this type can hold a medium as storage. */
  storage: ElementTypeSet;
  /** xx->yy (bytes 4-7): MOVE MEDIUM from a type (key) to the types set. */
  move: Record<ElementType, ElementTypeSet>;
  /** xx<>yy (bytes 12-15): EXCHANGE MEDIUM between a type (key) and the types set. */
  exchange: Record<ElementType, ElementTypeSet>;
}

/** Page 1Fh. */
export function parseDeviceCapabilities(page: ModePage): DeviceCapabilities {
  const r = pageReader(page, ModePageCode.DEVICE_CAPABILITIES, 'device capabilities');
  r.need(0, 16, 'device capabilities page');
  const set = (byte: number): ElementTypeSet =>
    Object.fromEntries(ELEMENT_TYPES.map((type, bit) => [type, (byte & (1 << bit)) !== 0])) as ElementTypeSet;
  const perType = (first: number, name: string): Record<ElementType, ElementTypeSet> =>
    Object.fromEntries(ELEMENT_TYPES.map((type, i) => [type, set(r.u8(first + i, name))])) as Record<ElementType, ElementTypeSet>;
  return {
    storage: set(r.u8(2, 'STORxx')), // byte 2
    move: perType(4, 'move capabilities'), // bytes 4 (MT->), 5 (ST->), 6 (I/E->), 7 (DT->)
    exchange: perType(12, 'exchange capabilities'), // bytes 12 (MT<>), 13 (ST<>), 14 (I/E<>), 15 (DT<>)
  };
}
