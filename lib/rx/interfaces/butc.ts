import { proc } from '../rpc.js';
import { charArray, fixedOpaque, int32, struct, uint32, varArray, xdrString, type XdrValue } from '../xdr-types.js';

/**
 * The TC interface (`src/bubasics/butc.xg`): what `backup` uses to drive butc. Transport, opcodes and
 * XDR sizes are BUTC-SPEC §3.1, §3.4 and §3.5; the field order is the .xg's. Every `char[N]` costs
 * N words (§3.3).
 */

/** UDP port = 7025 + port offset (`BC_TAPEPORT`), Rx service 1 (§3.1). */
export const BC_TAPEPORT = 7025;
/** BC_MAXPORTOFFSET (`src/bubasics/bubasics.h`): 7025 + 58510 is UDP port 65535. */
export const MAX_PORT_OFFSET = 58510;
export const TC_SERVICE_ID = 1;
/** TCInfo's tcVersion; bucoord refuses anything else (§3.2 `CheckTCVersion`). */
export const CUR_BUTC_VERSION = 3;

export const TC_MAXDUMPPATH = 256;
export const TC_MAXNAMELEN = 64;
export const TC_MAXARRAY = 2_000_000_000;
export const TC_MAXFORMATLEN = 100;
export const TC_MAXHOSTLEN = 32;
export const TC_MAXTAPELEN = 32;

/** tc_restoreDesc.flags (§3.5). */
export const RDFLAG_LASTDUMP = 0x1;
export const RDFLAG_SKIP = 0x2;
export const RDFLAG_FIRSTDUMP = 0x4;

/** Task status flags in tciStatusS.flags (§3.6, `bubasics.h`). */
export const TASK_STATUS = {
  STARTING: 0x1,
  ABORT_REQUEST: 0x2,
  ABORT_SENT: 0x4,
  ABORT_DONE: 0x8,
  ABORT_LOCAL: 0x10,
  TASK_DONE: 0x20,
  CONTACT_LOST: 0x40,
  TASK_ERROR: 0x80,
  DRIVE_WAIT: 0x100,
  OPR_WAIT: 0x200,
  SILENT: 0x400,
  CALL_WAIT: 0x800,
  NOREMOVE: 0x1000,
} as const;

/** ScanStatus's flags word (§3.6). */
export const TSK_STAT = { FIRST: 0x1, END: 0x2, NOTFOUND: 0x4, XBSA: 0x10, ADSM: 0x20 } as const;

/** tc_dumpDesc, 280 bytes (§3.5). */
export const tc_dumpDesc = struct('tc_dumpDesc', {
  vid: int32,
  /** 0 RW, 1 RO, 2 BK. */
  vtype: int32,
  name: charArray(TC_MAXNAMELEN),
  partition: int32,
  date: int32,
  cloneDate: int32,
  /** The fileserver's IPv4 address as a host-order integer (10.99.0.1 = 0x0A630001). */
  hostAddr: uint32,
});

/** tc_restoreDesc, 484 bytes (§3.5); mind the hostAddr byte-order hazard described there. */
export const tc_restoreDesc = struct('tc_restoreDesc', {
  flags: int32,
  tapeName: charArray(TC_MAXTAPELEN),
  dbDumpId: uint32,
  initialDumpId: uint32,
  position: int32,
  origVid: int32,
  vid: int32,
  partition: int32,
  dumpLevel: int32,
  hostAddr: uint32,
  oldName: charArray(TC_MAXNAMELEN),
  newName: fixedOpaque(TC_MAXNAMELEN),
});

/**
 * tc_tapeLabel, 264 bytes: §3.5 says 268, but its fields (and butc.xg) add up to 264; 268 is
 * ReadLabel's whole reply (label + taskId). size is in KB; 0 means "use tapeconfig".
 */
export const tc_tapeLabel = struct('tc_tapeLabel', {
  size: int32,
  afsname: charArray(TC_MAXTAPELEN),
  pname: charArray(TC_MAXTAPELEN),
  tapeId: uint32,
});

/** tc_tapeSet, 552 bytes: part of tc_dumpInterface at offset 1536 (§3.5). */
export const tc_tapeSet = struct('tc_tapeSet', {
  id: int32,
  tapeServer: charArray(TC_MAXHOSTLEN),
  format: charArray(TC_MAXFORMATLEN),
  maxTapes: int32,
  a: int32,
  b: int32,
  expDate: int32,
  /** 0 none, 1 absolute, 2 relative. */
  expType: int32,
});

/** tc_dumpInterface, 2100 bytes (§3.5). */
export const tc_dumpInterface = struct('tc_dumpInterface', {
  dumpPath: charArray(TC_MAXDUMPPATH),
  volumeSetName: charArray(TC_MAXNAMELEN),
  dumpName: charArray(TC_MAXNAMELEN),
  tapeSet: tc_tapeSet,
  parentDumpId: int32,
  dumpLevel: int32,
  doAppend: int32,
});

/** tc_tcInfo: the interface version (3). */
export const tc_tcInfo = struct('tc_tcInfo', { tcVersion: int32 });

/** tciStatusS, 536 bytes (§3.5). */
export const tciStatusS = struct('tciStatusS', {
  taskName: charArray(TC_MAXNAMELEN),
  taskId: uint32,
  flags: uint32,
  dbDumpId: uint32,
  nKBytes: uint32,
  volumeName: charArray(TC_MAXNAMELEN),
  volsFailed: int32,
  lastPolled: int32,
});

export const tc_dumpArray = varArray(tc_dumpDesc, TC_MAXARRAY);
export const tc_restoreArray = varArray(tc_restoreDesc, TC_MAXARRAY);

export type TcDumpDesc = XdrValue<typeof tc_dumpDesc>;
export type TcRestoreDesc = XdrValue<typeof tc_restoreDesc>;
export type TcTapeLabel = XdrValue<typeof tc_tapeLabel>;
export type TcTapeSet = XdrValue<typeof tc_tapeSet>;
export type TcDumpInterface = XdrValue<typeof tc_dumpInterface>;
export type TciStatusS = XdrValue<typeof tciStatusS>;

/**
 * The procedures, opcodes 0-12 in declaration order (§3.4; the 100..118 numbers in butc.xg's comment
 * are historical and wrong). INOUT arguments appear in both tables.
 */
export const TC = {
  PerformDump: proc('TC_PerformDump', 0, { tcdiPtr: tc_dumpInterface, dumps: tc_dumpArray }, { dumpID: int32 }),
  PerformRestore: proc('TC_PerformRestore', 1, { dumpSetName: xdrString(TC_MAXNAMELEN), restores: tc_restoreArray }, { dumpID: int32 }),
  LabelTape: proc('TC_LabelTape', 2, { label: tc_tapeLabel }, { taskId: uint32 }),
  ReadLabel: proc('TC_ReadLabel', 3, {}, { label: tc_tapeLabel, taskId: uint32 }),
  ScanDumps: proc('TC_ScanDumps', 4, { addDbFlag: int32 }, { taskId: uint32 }),
  TCInfo: proc('TC_TCInfo', 5, {}, { tciptr: tc_tcInfo }),
  SaveDb: proc('TC_SaveDb', 6, { archiveTime: uint32 }, { taskId: uint32 }),
  RestoreDb: proc('TC_RestoreDb', 7, {}, { taskId: uint32 }),
  EndStatus: proc('TC_EndStatus', 8, { taskId: uint32 }, {}),
  GetStatus: proc('TC_GetStatus', 9, { taskId: uint32 }, { statusPtr: tciStatusS }),
  RequestAbort: proc('TC_RequestAbort', 10, { taskId: uint32 }, {}),
  ScanStatus: proc('TC_ScanStatus', 11, { taskId: uint32, flags: uint32 }, { taskId: uint32, statusPtr: tciStatusS, flags: uint32 }),
  DeleteDump: proc('TC_DeleteDump', 12, { aDumpId: uint32 }, { taskId: uint32 }),
} as const;
