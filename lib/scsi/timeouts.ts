/**
 * Default timeouts, per command, in milliseconds. Every builder takes `timeoutMs` to override
 * them (lib/changer does for slow libraries; RSOC-reported values can replace them later).
 *
 * - Commands the controller answers without touching the medium: 30 s.
 * - Drive commands that may wait for the drive to finish its own error recovery: 10 min, like
 *   pbs-tape's SCSI_TAPE_DEFAULT_TIMEOUT; LTFS #505 shows LTO-9 LOG SENSE and READ ATTRIBUTE
 *   outliving a 60 s limit.
 * - Changer moves and element status: 5 min (pbs-tape); inventory: 30 min, as mtx(1) uses.
 */
export const TIMEOUTS = {
  inquiry: 30_000,
  testUnitReady: 30_000,
  requestSense: 30_000,
  preventAllowMediumRemoval: 60_000,
  modeSense: 10 * 60_000,
  logSense: 10 * 60_000,
  readAttribute: 10 * 60_000,
  reportDensitySupport: 10 * 60_000,
  readBlockLimits: 10 * 60_000,
  readPosition: 10 * 60_000,
  readElementStatus: 5 * 60_000,
  moveMedium: 5 * 60_000,
  exchangeMedium: 5 * 60_000,
  positionToElement: 5 * 60_000,
  initializeElementStatus: 30 * 60_000,
} as const;
