/**
 * The catalog's schema as numbered migrations. The file's `PRAGMA user_version` is the number of
 * the last migration applied; opening a catalog applies the ones above it, each in its own
 * transaction, so a catalog is always at one version or the next, never in between. Append new
 * migrations; never edit one that has shipped.
 *
 * Tables named after a file of afserver's var directory hold exactly what that file holds (seed
 * 001, FILES), so `import-afbackup` / `export-afbackup` move a site over and back. Cartridge
 * numbers are afbackup's: from 1. Locations count slots, drives and loadports from 1 each, as
 * cart_ctl does (seed 003: "the counting of slots, loadports and drives always starts with 1").
 * Times are Unix seconds, as afserver writes them.
 */
import type { Catalog } from './database.js';
import { CatalogError } from './errors.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'cartridges, afserver state, dumps, volumes and fragments',
    sql: `
      -- Cartridge sets (afserver's Cartridge-Sets, tapepos 'N:' lines): pools cartridges are written in.
      CREATE TABLE cartridge_sets (
        number INTEGER PRIMARY KEY CHECK (number >= 1),
        name TEXT UNIQUE,
        description TEXT
      ) STRICT;

      CREATE TABLE cartridges (
        number INTEGER PRIMARY KEY CHECK (number >= 1),
        cartridge_set INTEGER REFERENCES cartridge_sets (number),
        -- The tape block size the cartridge is written with, once known.
        block_size INTEGER CHECK (block_size > 0)
      ) STRICT;
      CREATE INDEX cartridges_by_set ON cartridges (cartridge_set);

      -- The label written at the start of the medium (label_tape, cart_ctl -t -n comment).
      CREATE TABLE labels (
        cartridge INTEGER PRIMARY KEY REFERENCES cartridges (number) ON DELETE CASCADE,
        name TEXT NOT NULL,
        comment TEXT,
        written INTEGER NOT NULL,
        expires INTEGER
      ) STRICT;

      -- bytes_on_tape: '<cartridge-number>: <number-of-bytes-on-tape> <number-of-files-on-tape>
      -- <tape-full-flag> <last-writing-timestamp>'. afserver accepts a line cut short after any field,
      -- so the later ones may be missing, each only when the one after it is.
      CREATE TABLE bytes_on_tape (
        cartridge INTEGER PRIMARY KEY REFERENCES cartridges (number),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        files INTEGER CHECK (files >= 0),
        full INTEGER CHECK (full IN (0, 1)),
        last_write INTEGER CHECK (last_write >= 0),
        CHECK (full IS NULL OR files IS NOT NULL),
        CHECK (last_write IS NULL OR full IS NOT NULL)
      ) STRICT;

      -- tape_uses: how often each cartridge has become full.
      CREATE TABLE tape_uses (
        cartridge INTEGER PRIMARY KEY REFERENCES cartridges (number),
        times_full INTEGER NOT NULL CHECK (times_full >= 0)
      ) STRICT;

      -- readonly_tapes: ranges in the order written; last NULL for an open end ('8-').
      CREATE TABLE readonly_tapes (
        seq INTEGER PRIMARY KEY,
        first INTEGER NOT NULL CHECK (first >= 1),
        last INTEGER CHECK (last >= first)
      ) STRICT;

      -- precious_tapes: per client the cartridges it needs for restore, which protect them from
      -- being overwritten (reservations). cart_ctl -a N:o=no adds a client-less admin line.
      CREATE TABLE precious_tapes (
        client TEXT NOT NULL,
        seq INTEGER NOT NULL,
        first INTEGER NOT NULL CHECK (first >= 1),
        last INTEGER CHECK (last >= first),
        PRIMARY KEY (client, seq)
      ) STRICT;

      -- tapepos 'N:' lines: where cartridge set N is written next (cartridge NULL: afserver's 0).
      CREATE TABLE write_positions (
        cartridge_set INTEGER PRIMARY KEY REFERENCES cartridge_sets (number),
        cartridge INTEGER REFERENCES cartridges (number),
        file INTEGER NOT NULL CHECK (file >= 0)
      ) STRICT;

      -- tapepos device lines: which cartridge is in the drive and at which file.
      CREATE TABLE drive_positions (
        device TEXT PRIMARY KEY,
        cartridge INTEGER REFERENCES cartridges (number),
        file INTEGER NOT NULL CHECK (file >= 0)
      ) STRICT;

      -- cartridge_order: '<cartridge> -> <next cartridge> [<next file>]', what to read when a
      -- cartridge is exhausted. next_cartridge NULL: afserver's 0 (the entry was invalidated);
      -- next_file NULL: not given (file 1).
      CREATE TABLE cartridge_order (
        cartridge INTEGER PRIMARY KEY REFERENCES cartridges (number),
        next_cartridge INTEGER REFERENCES cartridges (number),
        next_file INTEGER CHECK (next_file >= 0)
      ) STRICT;

      -- Media changers, by the name locations use (afbackup: the changer's device name).
      CREATE TABLE changers (
        name TEXT PRIMARY KEY
      ) STRICT;

      -- cartridge_locations: a changer element (changer, drive|slot|loadport, number from 1) or
      -- free text for a place outside any changer. One cartridge per element.
      CREATE TABLE cartridge_locations (
        cartridge INTEGER PRIMARY KEY REFERENCES cartridges (number),
        changer TEXT REFERENCES changers (name),
        kind TEXT CHECK (kind IN ('drive', 'slot', 'loadport')),
        number INTEGER CHECK (number >= 1),
        place TEXT,
        CHECK ((changer IS NOT NULL AND kind IS NOT NULL AND number IS NOT NULL AND place IS NULL)
            OR (changer IS NULL AND kind IS NULL AND number IS NULL AND place IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX cartridge_locations_by_element ON cartridge_locations (changer, kind, number)
        WHERE changer IS NOT NULL;

      -- cartridge_names: barcode (NULL: none, afbackup's "") and free-text description.
      CREATE TABLE cartridge_names (
        cartridge INTEGER PRIMARY KEY REFERENCES cartridges (number),
        barcode TEXT,
        description TEXT NOT NULL
      ) STRICT;
      CREATE INDEX cartridge_names_by_barcode ON cartridge_names (barcode) WHERE barcode IS NOT NULL;

      -- ever_used_blocksizes: every tape block size ever written, tried in turn when reading.
      CREATE TABLE ever_used_blocksizes (
        block_size INTEGER PRIMARY KEY CHECK (block_size > 0)
      ) STRICT;

      -- Dumps (OpenAFS's dump records): a full dump has level 0 and no parent; an incremental
      -- names the dump it is relative to. completed stays NULL until the dump has finished.
      CREATE TABLE dumps (
        id INTEGER PRIMARY KEY,
        parent INTEGER REFERENCES dumps (id),
        level INTEGER NOT NULL CHECK (level >= 0),
        volume_set TEXT NOT NULL,
        created INTEGER NOT NULL,
        expires INTEGER,
        completed INTEGER
      ) STRICT;
      CREATE INDEX dumps_by_volume_set ON dumps (volume_set, created);
      CREATE INDEX dumps_by_parent ON dumps (parent);

      -- A volume in a dump; it exists once its first fragment is on a medium.
      CREATE TABLE volumes (
        id INTEGER PRIMARY KEY,
        dump INTEGER NOT NULL REFERENCES dumps (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        volume_id INTEGER,
        clone_time INTEGER,
        UNIQUE (dump, name)
      ) STRICT;
      CREATE INDEX volumes_by_name ON volumes (name);

      -- The pieces of a volume, numbered from 1, each inside one tape file of one cartridge.
      -- position: the tape file number; block: the block within the medium where the fragment
      -- starts, when known. last = 1 on the volume's final fragment.
      CREATE TABLE fragments (
        volume INTEGER NOT NULL REFERENCES volumes (id) ON DELETE CASCADE,
        fragment INTEGER NOT NULL CHECK (fragment >= 1),
        cartridge INTEGER NOT NULL REFERENCES cartridges (number),
        position INTEGER NOT NULL CHECK (position >= 0),
        block INTEGER CHECK (block >= 0),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        last INTEGER NOT NULL CHECK (last IN (0, 1)),
        PRIMARY KEY (volume, fragment)
      ) STRICT;
      CREATE INDEX fragments_by_cartridge ON fragments (cartridge, position);
    `,
  },
  {
    version: 2,
    description: 'volumes by name with their dump, for restore planning',
    sql: `
      -- The restore planner picks each volume's dump chain from its (name, dump) pairs alone: with
      -- the dump in the index it never reads the volumes table (lib/planner/restore-plan.ts). It
      -- serves lookups by name as the index it replaces did.
      CREATE INDEX volumes_by_name_dump ON volumes (name, dump);
      DROP INDEX volumes_by_name;
    `,
  },
  {
    version: 3,
    description: "the daemon's jobs, so an interrupted one is reported failed after a restart",
    sql: `
      -- One row per task the daemon ran: inserted 'running' when it starts, updated when it ends.
      -- A daemon that starts finds the rows a killed one left 'running' and marks them 'failed'
      -- (lib/daemon/jobs-journal.ts). task is butc's number, unique only within one daemon run.
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        task INTEGER NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        dump INTEGER REFERENCES dumps (id),
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'aborted')),
        started INTEGER NOT NULL,
        ended INTEGER,
        message TEXT
      ) STRICT;
      CREATE INDEX jobs_running ON jobs (state) WHERE state = 'running';
    `,
  },
];

/** The schema version this tapecoord writes. */
export const SCHEMA_VERSION = migrations.length;

/**
 * Brings the catalog up to SCHEMA_VERSION. Each migration runs in an immediate transaction that
 * first reads user_version again, so two processes opening a new catalog at once apply it once.
 */
export function migrate(cat: Catalog): void {
  const version = (): number => cat.pragma('user_version') as number;
  const found = version();
  if (found > SCHEMA_VERSION) {
    throw new CatalogError('schema-too-new', `${cat.path}: catalog schema version ${found} is newer than this tapecoord's (${SCHEMA_VERSION})`);
  }
  for (const m of migrations) {
    if (m.version <= found) continue;
    cat.transaction(() => {
      if (version() >= m.version) return;
      cat.db.exec(m.sql);
      cat.db.exec(`PRAGMA user_version = ${m.version}`);
    });
  }
}
