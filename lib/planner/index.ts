/** The planner: where a cartridge set is written next, cartridge_order, and restore plans. */
export {
  nextCartridge,
  explainDecision,
  describeLocation,
  type NextCartridgeOptions,
  type NextCartridgeDecision,
  type WriteTarget,
  type SkippedCartridge,
  type SkipReason,
} from './next-cartridge.js';
export { recordContinuation } from './continuation.js';
export {
  planRestore,
  type RestorePlanRequest,
  type RestorePlan,
  type PlannedMount,
  type PlannedRead,
  type PlannedVolume,
  type ChainLink,
  type MissingVolume,
  type MissingReason,
} from './restore-plan.js';
export { selectVolumes, describeSelector, type VolumeSelector } from './select.js';
export { usableDumps, type UsableDump, type DumpRow } from './chains.js';
export { mountOrder, type MountOrderInput } from './mount-order.js';
export { cartridgePlaces, PLACEMENT_RANK, type Placement, type CartridgePlace } from './placement.js';
export { PlannerError, type PlannerErrorCode } from './errors.js';
