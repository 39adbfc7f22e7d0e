/**
 * A tape drive's mode parameters (SSC-4, mode parameters): the SSC meaning of the header's
 * device-specific parameter, the data compression page (0Fh) and the device configuration page
 * (10h).
 */
import { type ModePage, ModePageCode, pageReader } from './mode-sense.js';

export interface TapeDeviceSpecific {
  /** WP: the medium is write protected. */
  writeProtected: boolean;
  /** BUFFERED MODE: 0 unbuffered, 1 buffered (writes report GOOD once in the drive's buffer). */
  bufferedMode: number;
  speed: number;
}

/** The mode parameter header's DEVICE-SPECIFIC PARAMETER for a sequential-access device. */
export function decodeTapeDeviceSpecific(byte: number): TapeDeviceSpecific {
  return {
    writeProtected: (byte & 0x80) !== 0, // bit 7: WP
    bufferedMode: (byte >> 4) & 0x07, // bits 6-4: BUFFERED MODE
    speed: byte & 0x0f, // bits 3-0: SPEED
  };
}

export interface DataCompression {
  /** DCE: the drive compresses what it writes. */
  compressionEnabled: boolean;
  /** DCC: the drive can compress. */
  compressionCapable: boolean;
  /** DDE: the drive decompresses what it reads. */
  decompressionEnabled: boolean;
  /** RED: what to report when a compressed/uncompressed boundary is read. */
  reportExceptionOnDecompression: number;
  compressionAlgorithm: number;
  decompressionAlgorithm: number;
}

/** Page 0Fh, data compression. */
export function parseDataCompression(page: ModePage): DataCompression {
  const r = pageReader(page, ModePageCode.DATA_COMPRESSION, 'data compression');
  r.need(0, 12, 'data compression page');
  const b2 = r.u8(2, 'DCE');
  const b3 = r.u8(3, 'DDE');
  return {
    compressionEnabled: (b2 & 0x80) !== 0, // byte 2 bit 7: DCE
    compressionCapable: (b2 & 0x40) !== 0, // byte 2 bit 6: DCC
    decompressionEnabled: (b3 & 0x80) !== 0, // byte 3 bit 7: DDE
    reportExceptionOnDecompression: (b3 >> 5) & 0x03, // byte 3 bits 6-5: RED
    compressionAlgorithm: r.u32(4, 'COMPRESSION ALGORITHM'), // bytes 4-7
    decompressionAlgorithm: r.u32(8, 'DECOMPRESSION ALGORITHM'), // bytes 8-11
  };
}

export interface DeviceConfiguration {
  activeFormat: number;
  activePartition: number;
  /** Write delay time, in milliseconds (the page counts 100 ms units). */
  writeDelayMs: number;
  /** REW: report early warning on reads too. */
  reportEarlyWarning: boolean;
  /** SOCF: stop a read-ahead after this many consecutive filemarks (0: vendor default). */
  stopOnConsecutiveFilemarks: number;
  /** EOD DEFINED (0: the drive's default) and EEG: the drive writes end-of-data. */
  endOfDataDefined: number;
  enableEndOfDataGeneration: boolean;
  /** SEW: early warning synchronizes (flushes) the drive buffer. */
  synchronizeAtEarlyWarning: boolean;
  /** SWP: software write protection. */
  softwareWriteProtect: boolean;
  /** OBJECT BUFFER SIZE AT EARLY WARNING, bytes. */
  bufferSizeAtEarlyWarning: number;
  /** SELECT DATA COMPRESSION ALGORITHM: 0 none, 1 the drive's default. */
  selectDataCompressionAlgorithm: number;
  /** REWIND ON RESET: 0 vendor specific, 1 rewind, 2 hold position. */
  rewindOnReset: number;
}

/** Page 10h, device configuration. */
export function parseDeviceConfiguration(page: ModePage): DeviceConfiguration {
  const r = pageReader(page, ModePageCode.DEVICE_CONFIGURATION, 'device configuration');
  r.need(0, 16, 'device configuration page');
  const b8 = r.u8(8, 'byte 8');
  const b10 = r.u8(10, 'byte 10');
  return {
    activeFormat: r.u8(2, 'ACTIVE FORMAT') & 0x1f, // byte 2 bits 4-0
    activePartition: r.u8(3, 'ACTIVE PARTITION'), // byte 3
    writeDelayMs: r.u16(6, 'WRITE DELAY TIME') * 100, // bytes 6-7
    reportEarlyWarning: (b8 & 0x01) !== 0, // byte 8 bit 0: REW
    stopOnConsecutiveFilemarks: (b8 >> 2) & 0x03, // byte 8 bits 3-2: SOCF
    endOfDataDefined: b10 >> 5, // byte 10 bits 7-5: EOD DEFINED
    enableEndOfDataGeneration: (b10 & 0x10) !== 0, // byte 10 bit 4: EEG
    synchronizeAtEarlyWarning: (b10 & 0x08) !== 0, // byte 10 bit 3: SEW
    softwareWriteProtect: (b10 & 0x04) !== 0, // byte 10 bit 2: SWP
    bufferSizeAtEarlyWarning: r.u24(11, 'OBJECT BUFFER SIZE AT EARLY WARNING'), // bytes 11-13
    selectDataCompressionAlgorithm: r.u8(14, 'SELECT DATA COMPRESSION ALGORITHM'), // byte 14
    rewindOnReset: (r.u8(15, 'REWIND ON RESET') >> 3) & 0x03, // byte 15 bits 4-3
  };
}
