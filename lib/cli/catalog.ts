/**
 * `tapecoord catalog`: the catalog file and moving a site between afbackup and tapecoord.
 *
 *   tapecoord catalog dumps [--catalog FILE] [--json]
 *   tapecoord catalog import-afbackup VARDIR [--catalog FILE] [--json]
 *   tapecoord catalog export-afbackup VARDIR [--catalog FILE] [--json]
 *
 * The catalog is --catalog, else $TAPECOORD_CATALOG, else ./var/catalog.db.
 */
import { Command, Option } from 'commander';
import { exportAfbackup } from '../catalog/afbackup-export.js';
import { importAfbackup } from '../catalog/afbackup-import.js';
import { Catalog, DEFAULT_CATALOG_PATH } from '../catalog/database.js';
import { formatDumps, listDumps } from '../catalog/listing.js';

interface CatalogOptions {
  catalog: string;
  json?: boolean;
}

async function withCatalog(cmd: Command, fn: (cat: Catalog, o: CatalogOptions) => Promise<void>): Promise<void> {
  const o = cmd.optsWithGlobals<CatalogOptions>();
  const cat = Catalog.open(o.catalog);
  try {
    await fn(cat, o);
  } finally {
    cat.close();
  }
}

function report(o: CatalogOptions, vardir: string, verb: string, files: { file: string; entries: number; present?: boolean }[]): void {
  if (o.json) {
    process.stdout.write(JSON.stringify({ catalog: o.catalog, vardir, files }) + '\n');
    return;
  }
  for (const f of files) process.stdout.write(`${f.file.padEnd(22)} ${f.present === false ? 'missing' : `${f.entries} entries`}\n`);
  process.stdout.write(`${verb} ${vardir} ${verb === 'imported' ? 'into' : 'from'} ${o.catalog}\n`);
}

export function catalogCommand(): Command {
  const catalog = new Command('catalog')
    .description('the catalog: import and export afbackup server state')
    .addOption(new Option('--catalog <file>', 'the catalog database').env('TAPECOORD_CATALOG').default(DEFAULT_CATALOG_PATH))
    .option('--json', 'print what was done as JSON');
  catalog
    .command('dumps')
    .description('the dumps: name, cartridge set, when, state, bytes and where each piece is')
    .action(async (_o: unknown, cmd: Command) => {
      await withCatalog(cmd, async (cat, o) => {
        const rows = listDumps(cat);
        process.stdout.write(o.json ? JSON.stringify(rows) + '\n' : formatDumps(rows));
      });
    });
  catalog
    .command('import-afbackup')
    .description("replace the catalog's afserver state with an afbackup server var directory's (bytes_on_tape, tapepos, ...)")
    .argument('<vardir>', "afserver's var directory, e.g. /var/lib/afbackup")
    .action(async (vardir: string, _o: unknown, cmd: Command) => {
      await withCatalog(cmd, async (cat, o) => report(o, vardir, 'imported', await importAfbackup(cat, vardir)));
    });
  catalog
    .command('export-afbackup')
    .description("write the catalog's afserver state as an afbackup server var directory (stop afserver first)")
    .argument('<vardir>', 'the directory to write the nine state files into')
    .action(async (vardir: string, _o: unknown, cmd: Command) => {
      await withCatalog(cmd, async (cat, o) => report(o, vardir, 'exported', await exportAfbackup(cat, vardir)));
    });
  return catalog;
}
