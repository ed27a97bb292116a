// The prepared-drive formats (docs/formats.md): DriveManifest.xml in the WAImportExport shape, the drive
// header HaulDrive.json, and the <journal>_DriveInfo_<driveId>.xml companion file.
//
// Layout of a prepared drive's root:
//   DriveManifest.xml                 this module's serializeDriveManifest output
//   HaulDrive.json                    DriveHeader (manifestHash = MD5 Base16 UPPERCASE of the exact
//                                     bytes of DriveManifest.xml)
//   <sessionId>/<container>/<blob>    data files; a Blob's FilePath is relative to the drive root
// Export drives written by the service use the same layout with session id `export-<jobName>`.
//
// Pure TypeScript (no Node): the service, the app and the CLI all read these.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { BLOCK_SIZE as BLOCK_SIZE_CONST } from '../prep/constants';
import { describeIssues } from '../validation';

/** Blocks are 4 MiB; a blob's last block is shorter. */
export const BLOCK_SIZE = BLOCK_SIZE_CONST;
export const MANIFEST_VERSION = '2014-11-01';
export const MANIFEST_FILE = 'DriveManifest.xml';
export const HEADER_FILE = 'HaulDrive.json';

/** MD5 as 32 Base16 characters, upper case. */
export const md5Hex = z
  .string()
  .regex(/^[0-9A-F]{32}$/, 'must be an MD5 hash in Base16 upper case (32 characters 0-9 A-F)');

export const importDisposition = z.enum(['rename', 'no-overwrite', 'overwrite']);
export type ImportDisposition = z.infer<typeof importDisposition>;
export const blobType = z.enum(['BlockBlob', 'PageBlob']);
export type BlobType = z.infer<typeof blobType>;

const nonNegInt = z.number().int().nonnegative();

export const manifestBlock = z.object({ offset: nonNegInt, length: nonNegInt, hash: md5Hex });
export type ManifestBlock = z.infer<typeof manifestBlock>;

export const manifestBlob = z
  .object({
    /** container/blob name, e.g. `photos/2024/a.jpg` */
    blobPath: z.string().min(1),
    /** relative to the drive root, `/` separators, e.g. `s1/photos/2024/a.jpg` */
    filePath: z
      .string()
      .min(1)
      .refine(
        (p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'),
        'must be relative to the drive root with "/" separators and no ".."',
      ),
    length: nonNegInt,
    importDisposition,
    blobType,
    /** BlockList for BlockBlob, PageRangeList for PageBlob (same Offset/Length/Hash entries). */
    blocks: z.array(manifestBlock),
  })
  .superRefine((b, ctx) => {
    let expect = 0;
    for (const [i, blk] of b.blocks.entries()) {
      if (blk.offset !== expect)
        ctx.addIssue({
          code: 'custom',
          path: ['blocks', i, 'offset'],
          message: `block ${i} starts at ${blk.offset}, expected ${expect} (blocks must be contiguous)`,
        });
      expect = blk.offset + blk.length;
    }
    if (expect !== b.length)
      ctx.addIssue({
        code: 'custom',
        path: ['blocks'],
        message: `blocks cover ${expect} bytes but Length is ${b.length}`,
      });
  });
export type ManifestBlob = z.infer<typeof manifestBlob>;

export const driveManifest = z.object({
  version: z.literal(MANIFEST_VERSION).default(MANIFEST_VERSION),
  driveId: z.string().min(1),
  blobs: z.array(manifestBlob),
});
export type DriveManifest = z.infer<typeof driveManifest>;

/** HaulDrive.json on the drive root. */
export const driveHeader = z.object({
  format: z.literal('haul-drive').default('haul-drive'),
  driveId: z.string().min(1),
  jobName: z.string(),
  sessionIds: z.array(z.string().min(1)),
  /** epoch milliseconds */
  createdAt: z.number().int().nonnegative(),
  /** epoch milliseconds of the last session that wrote to the drive */
  updatedAt: z.number().int().nonnegative().optional(),
  /** MD5 Base16 upper case of the exact bytes of DriveManifest.xml */
  manifestHash: md5Hex,
  /** true when the driveId was generated (no device serial was found under the target) */
  generatedId: z.boolean().optional(),
});
export type DriveHeader = z.infer<typeof driveHeader>;

export function parseDriveHeader(json: string): DriveHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(
      `${HEADER_FILE} is not valid JSON (${e instanceof Error ? e.message : String(e)}); the drive header is damaged — run "haul verify" or prepare the drive again.`,
    );
  }
  const r = driveHeader.safeParse(raw);
  if (!r.success) throw new Error(`${HEADER_FILE}: ${describeIssues(r.error)}`);
  return r.data;
}

export function serializeDriveHeader(h: DriveHeader): string {
  return `${JSON.stringify(driveHeader.parse(h), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// DriveManifest.xml

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const esc = (v: string): string => v.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/**
 * Writes DriveManifest.xml. The shape is fixed, so it is written directly (a drive can list a
 * million blobs: a generic XML builder took ~20 µs per blob); parseDriveManifest reads it back.
 */
export function serializeDriveManifest(m: DriveManifest): string {
  const checked = driveManifest.parse(m);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<DriveManifest Version="${esc(checked.version)}">\n`,
    '  <Drive>\n',
    `    <DriveId>${esc(checked.driveId)}</DriveId>\n`,
  ];
  if (!checked.blobs.length) out.push('    <BlobList/>\n');
  else {
    out.push('    <BlobList>\n');
    for (const b of checked.blobs) {
      const [list, entry] = b.blobType === 'PageBlob' ? ['PageRangeList', 'PageRange'] : ['BlockList', 'Block'];
      out.push(
        '      <Blob>\n',
        `        <BlobPath>${esc(b.blobPath)}</BlobPath>\n`,
        `        <FilePath>${esc(b.filePath)}</FilePath>\n`,
        `        <Length>${b.length}</Length>\n`,
        `        <ImportDisposition>${b.importDisposition}</ImportDisposition>\n`,
        `        <BlobType>${b.blobType}</BlobType>\n`,
      );
      if (!b.blocks.length) out.push(`        <${list}/>\n`);
      else {
        out.push(`        <${list}>\n`);
        for (const k of b.blocks)
          out.push(`          <${entry} Offset="${k.offset}" Length="${k.length}" Hash="${k.hash}"/>\n`);
        out.push(`        </${list}>\n`);
      }
      out.push('      </Blob>\n');
    }
    out.push('    </BlobList>\n');
  }
  out.push('  </Drive>\n', '</DriveManifest>\n');
  return out.join('');
}

const ARRAYS = new Set([
  'DriveManifest.Drive.BlobList.Blob',
  'DriveManifest.Drive.BlobList.Blob.BlockList.Block',
  'DriveManifest.Drive.BlobList.Blob.PageRangeList.PageRange',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
});

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(node: Node, key: string, where: string): string {
  const v = node[key];
  if (v === undefined) throw new Error(`DriveManifest.xml: <${key}> is missing in ${where}.`);
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new Error(`DriveManifest.xml: <${key}> in ${where} must hold text.`);
  return String(v);
}

function int(value: string, what: string): number {
  if (!/^\d+$/.test(value))
    throw new Error(`DriveManifest.xml: ${what} is "${value}", expected a whole number of bytes.`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`DriveManifest.xml: ${what} is too large (${value}).`);
  return n;
}

/** Parses DriveManifest.xml; throws an Error naming the element at fault. */
export function parseDriveManifest(xml: string): DriveManifest {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    throw new Error(`DriveManifest.xml is not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isNode(doc) || !isNode(doc.DriveManifest))
    throw new Error('DriveManifest.xml: the root element <DriveManifest> is missing.');
  const root = doc.DriveManifest;
  const version = root['@_Version'];
  if (version !== MANIFEST_VERSION)
    throw new Error(
      `DriveManifest.xml: <DriveManifest Version="${String(version ?? '')}"> is not supported; expected Version="${MANIFEST_VERSION}".`,
    );
  if (!isNode(root.Drive)) throw new Error('DriveManifest.xml: <Drive> is missing in <DriveManifest>.');
  const drive = root.Drive;
  const driveId = text(drive, 'DriveId', '<Drive>');
  if (!driveId) throw new Error('DriveManifest.xml: <DriveId> is empty.');
  const list = drive.BlobList;
  if (list === undefined) throw new Error('DriveManifest.xml: <BlobList> is missing in <Drive>.');
  const rawBlobs = isNode(list) && Array.isArray(list.Blob) ? (list.Blob as unknown[]) : [];
  const blobs: ManifestBlob[] = rawBlobs.map((rb, i) => {
    const where = `<Blob> #${i + 1}`;
    if (!isNode(rb)) throw new Error(`DriveManifest.xml: ${where} is empty.`);
    const blobPath = text(rb, 'BlobPath', where);
    const w = `${where} (${blobPath})`;
    const filePath = text(rb, 'FilePath', w);
    const length = int(text(rb, 'Length', w), `<Length> in ${w}`);
    const disp = importDisposition.safeParse(text(rb, 'ImportDisposition', w));
    if (!disp.success)
      throw new Error(`DriveManifest.xml: <ImportDisposition> in ${w} must be rename, no-overwrite or overwrite.`);
    const type = blobType.safeParse(rb.BlobType === undefined ? 'BlockBlob' : text(rb, 'BlobType', w));
    if (!type.success) throw new Error(`DriveManifest.xml: <BlobType> in ${w} must be BlockBlob or PageBlob.`);
    const [listTag, entryTag] = type.data === 'PageBlob' ? ['PageRangeList', 'PageRange'] : ['BlockList', 'Block'];
    const lst = rb[listTag];
    if (lst === undefined) throw new Error(`DriveManifest.xml: <${listTag}> is missing in ${w}.`);
    const rawEntries = isNode(lst) && Array.isArray(lst[entryTag]) ? (lst[entryTag] as unknown[]) : [];
    const blocks = rawEntries.map((re, j) => {
      const ew = `<${entryTag}> #${j + 1} of ${w}`;
      if (!isNode(re)) throw new Error(`DriveManifest.xml: ${ew} has no attributes.`);
      const attr = (name: string): string => {
        const v = re[`@_${name}`];
        if (typeof v !== 'string') throw new Error(`DriveManifest.xml: attribute ${name} is missing on ${ew}.`);
        return v;
      };
      const hash = attr('Hash');
      if (!/^[0-9A-F]{32}$/.test(hash))
        throw new Error(`DriveManifest.xml: Hash="${hash}" on ${ew} is not an MD5 in Base16 upper case.`);
      return { offset: int(attr('Offset'), `Offset on ${ew}`), length: int(attr('Length'), `Length on ${ew}`), hash };
    });
    const r = manifestBlob.safeParse({
      blobPath,
      filePath,
      length,
      importDisposition: disp.data,
      blobType: type.data,
      blocks,
    });
    if (!r.success) throw new Error(`DriveManifest.xml: ${w}: ${describeIssues(r.error)}`);
    return r.data;
  });
  return { version: MANIFEST_VERSION, driveId, blobs };
}

// ---------------------------------------------------------------------------------------------
// <journal>_DriveInfo_<driveId>.xml — what the real tool writes next to its journal so the drive
// can be registered with the service. The BitLocker key is a secret: never log this file's content.

export const driveInfo = z.object({
  driveId: z.string().min(1),
  bitLockerKey: z.string(),
  manifestFile: z.string().min(1),
  manifestHash: md5Hex,
});
export type DriveInfo = z.infer<typeof driveInfo>;

export function driveInfoFileName(journalBase: string, driveId: string): string {
  return `${journalBase}_DriveInfo_${driveId}.xml`;
}

export function serializeDriveInfo(info: DriveInfo): string {
  const d = driveInfo.parse(info);
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    Drive: {
      DriveId: d.driveId,
      BitLockerKey: d.bitLockerKey,
      ManifestFile: d.manifestFile,
      ManifestHash: d.manifestHash,
    },
  }) as string;
}

export function parseDriveInfo(xml: string): DriveInfo {
  const doc: unknown = parser.parse(xml);
  if (!isNode(doc) || !isNode(doc.Drive)) throw new Error('DriveInfo XML: the root element <Drive> is missing.');
  const d = doc.Drive;
  const r = driveInfo.safeParse({
    driveId: text(d, 'DriveId', '<Drive>'),
    bitLockerKey: d.BitLockerKey === undefined ? '' : String(d.BitLockerKey),
    manifestFile: text(d, 'ManifestFile', '<Drive>'),
    manifestHash: text(d, 'ManifestHash', '<Drive>'),
  });
  if (!r.success) throw new Error(`DriveInfo XML: ${describeIssues(r.error)}`);
  return r.data;
}

/** Number of blocks for a given length (0 for an empty blob). */
export function blockCount(length: number): number {
  return Math.ceil(length / BLOCK_SIZE);
}
