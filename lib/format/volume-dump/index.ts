/** The AFS volume dump stream (BUTC-SPEC §4.8): a streaming walker and a validating pass-through. */
export { VolumeDumpWalker, walkVolumeDump } from './walker.js';
export { VolumeDumpValidator } from './validator.js';
export { VolumeDumpError, type VolumeDumpErrorReason, type VolumeDumpSection, type VolumeDumpErrorPlace } from './errors.js';
export type { VolumeDumpOptions, VolumeDumpSummary, VolumeDiskData, DumpTimes } from './summary.js';
export {
  D_DUMPHEADER,
  D_VOLUMEHEADER,
  D_VNODE,
  D_DUMPEND,
  D_MAX,
  DUMPBEGINMAGIC,
  DUMPENDMAGIC,
  DUMPVERSION,
  TAG_CRITICAL,
  ACL_SIZE,
  VNODE_FILE,
  VNODE_DIRECTORY,
  VNODE_SYMLINK,
  formatTag,
} from './tags.js';
