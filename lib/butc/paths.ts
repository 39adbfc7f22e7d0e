/**
 * The paths butc has compiled in, as on Debian 12 (`src/cf/dirpaths.m4`, non-Transarc layout;
 * BUTC-SPEC §0.3, §1.2). A root prefix moves all of them at once, so tests and labs never touch
 * the host: `tapecoord butc --root DIR ...` or the environment variable TAPECOORD_BUTC_ROOT.
 */
import { join } from 'node:path';

/** The environment variable that gives the root prefix when `--root` is not used. */
export const BUTC_ROOT_ENV = 'TAPECOORD_BUTC_ROOT';

export interface ButcPaths {
  /** `/var/lib/openafs/backup`: tapeconfig, CFG_*, TL_*, TE_*. */
  backupDir: string;
  /** `/var/lib/openafs/backup/tapeconfig`. */
  tapeconfig: string;
  /** `/var/lib/openafs/backup/CFG`: a CFG file is this plus `_<port>` or the mangled device. */
  cfgPrefix: string;
  /** `/var/lib/openafs/backup/TL` (tape log prefix). */
  tlPrefix: string;
  /** `/var/lib/openafs/backup/TE` (error log prefix). */
  tePrefix: string;
  /** `/etc/openafs/server`: KeyFile, KeyFileExt, UserList, ThisCell, CellServDB. */
  serverEtcDir: string;
  /** `/etc/openafs`: the client's ThisCell and CellServDB. */
  clientEtcDir: string;
  /** `/var/lib/openafs/local`: NetInfo, NetRestrict, NoAuth, Audit. */
  localDir: string;
  /** `/var/lib/openafs/db`. */
  dbDir: string;
  /** `/var/log/openafs`. */
  logsDir: string;
}

/** Debian's paths under `root` ('/' for the real ones). */
export function butcPaths(root = '/'): ButcPaths {
  const at = (...parts: string[]) => join(root, ...parts);
  const backupDir = at('var/lib/openafs/backup');
  return {
    backupDir,
    tapeconfig: join(backupDir, 'tapeconfig'),
    cfgPrefix: join(backupDir, 'CFG'),
    tlPrefix: join(backupDir, 'TL'),
    tePrefix: join(backupDir, 'TE'),
    serverEtcDir: at('etc/openafs/server'),
    clientEtcDir: at('etc/openafs'),
    localDir: at('var/lib/openafs/local'),
    dbDir: at('var/lib/openafs/db'),
    logsDir: at('var/log/openafs'),
  };
}

/** The root prefix: `--root` if given, else TAPECOORD_BUTC_ROOT if set and non-empty, else '/'. */
export function butcRoot(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? (env[BUTC_ROOT_ENV] || '/');
}
