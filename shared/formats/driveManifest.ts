// The prepared-drive formats (docs/formats.md): DriveManifest.xml in the documented Import/Export
// drive manifest format (Version 2014-11-01), the drive header HaulDrive.json, and the
// <journal>_DriveInfo_<driveId>.xml companion file.
//
// Layout of a prepared drive's root:
//   DriveManifest.xml                 this module's serializeDriveManifest output
//   HaulDrive.json                    DriveHeader (manifestHash = MD5 Base16 UPPERCASE of the exact
//                                     bytes of DriveManifest.xml)
//   <sessionId>/<container>/<blob>    data files; a Blob's FilePath is relative to the drive root
//   <sessionId>/.haul-sidecars/…      the metadata and properties files the blobs name
// Export drives written by the service use the same layout with session id `export-<jobName>`.
// In memory a path on the drive is held with "/" (`s1/photos/a.jpg`); the XML writes `\s1\photos\a.jpg`.
//
// Pure TypeScript (no Node): the service, the app and the CLI all read these.
import { messageOf } from '../errors';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import * as z from 'zod';
import { BLOCK_SIZE } from '../prep/constants';
import { describeIssues } from '../validation';
import { clause, quoted, safeMessage } from '../text';

export { BLOCK_SIZE };
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

/** `a, b or c`: the values an enum takes, for a message that says which to use. */
const inWords = (values: readonly string[]) => `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
/** "rename, no-overwrite or overwrite" */
export const DISPOSITIONS_IN_WORDS = inWords(importDisposition.options);
/** "BlockBlob or PageBlob" */
export const BLOB_TYPES_IN_WORDS = inWords(blobType.options);

const nonNegInt = z.number().int().nonnegative();

/** The most blocks one block blob's BlockList may name (checked per blob, so one large file never costs a drive its manifest). */
export const MAX_BLOCKS = 50_000;
/** The largest page blob the format allows (1 TiB). */
export const MAX_PAGE_BLOB = 1024 ** 4;

/** Why a file of `size` bytes cannot be imported as a blob of this type, or undefined. */
export function blobSizeProblem(type: BlobType, size: number): string | undefined {
  if (type === 'BlockBlob' && size > MAX_BLOCKS * BLOCK_SIZE)
    return `a block blob is at most ${MAX_BLOCKS} blocks of 4 MiB (${MAX_BLOCKS * BLOCK_SIZE} bytes)`;
  if (type === 'PageBlob' && size > MAX_PAGE_BLOB) return `a page blob is at most 1 TiB (${MAX_PAGE_BLOB} bytes)`;
  return undefined;
}
/** Below this length a blob's blocks must all carry an Id or none may. */
const IDS_ALL_OR_NONE_BELOW = 64 * 1024 * 1024;

/**
 * A path on the drive, relative to its root, held with `/` separators (the manifest writes it as
 * `\folder\file`): no empty, "." or ".." part, no backslash.
 */
export function isDrivePath(p: string): boolean {
  if (p === '' || p.includes('\\')) return false;
  // every part between slashes, the first and last too, is not empty, "." or ".."
  const framed = `/${p}/`;
  return !framed.includes('//') && !framed.includes('/./') && !framed.includes('/../');
}
export const drivePath = z
  .string()
  .min(1)
  .refine(isDrivePath, 'must be relative to the drive root, with no empty, "." or ".." part and no backslash');

/** A metadata or properties file on the drive and the MD5 of its bytes. */
export const manifestSidecar = z.object({ path: drivePath, hash: md5Hex });
export type ManifestSidecar = z.infer<typeof manifestSidecar>;

export const manifestBlock = z.object({
  offset: nonNegInt,
  length: nonNegInt,
  /** the block's name (Base64), when the manifest gives one */
  id: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be a Base64 string')
    .optional(),
  hash: md5Hex,
});
export type ManifestBlock = z.infer<typeof manifestBlock>;

export const manifestBlob = z
  .object({
    /** container/blob name, e.g. `photos/2024/a.jpg` */
    blobPath: z.string().min(1),
    /** relative to the drive root, e.g. `s1/photos/2024/a.jpg` (written `\s1\photos\2024\a.jpg`) */
    filePath: drivePath,
    clientData: z.string().optional(),
    snapshot: z.string().optional(),
    length: nonNegInt,
    importDisposition,
    /** said in the XML by the list: BlockList for a block blob, PageRangeList for a page blob */
    blobType,
    blocks: z.array(manifestBlock),
    metadata: manifestSidecar.optional(),
    properties: manifestSidecar.optional(),
  })
  .superRefine((b, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    let expect = 0;
    for (const [i, blk] of b.blocks.entries()) {
      if (blk.length === 0 || blk.length > BLOCK_SIZE)
        issue(['blocks', i, 'length'], `block ${i} is ${blk.length} bytes; a block holds 1 byte to 4 MiB`);
      if (b.blobType === 'BlockBlob' && blk.offset !== expect)
        issue(
          ['blocks', i, 'offset'],
          `block ${i} starts at ${blk.offset}, expected ${expect} (blocks must follow each other with no gap)`,
        );
      if (b.blobType === 'PageBlob' && blk.offset < expect)
        issue(
          ['blocks', i, 'offset'],
          `page range ${i} starts at ${blk.offset}, inside the range before it (page ranges must be sorted by offset and must not overlap)`,
        );
      expect = blk.offset + blk.length;
    }
    if (b.blobType === 'BlockBlob' && expect !== b.length)
      issue(['blocks'], `blocks cover ${expect} bytes but Length is ${b.length}`);
    if (b.blobType === 'PageBlob' && expect > b.length)
      issue(['blocks'], `page ranges reach byte ${expect} but Length is ${b.length}`);
    const ids = b.blocks.filter((k) => k.id !== undefined).length;
    if (b.length < IDS_ALL_OR_NONE_BELOW && ids > 0 && ids < b.blocks.length)
      issue(
        ['blocks'],
        `${ids} of ${b.blocks.length} blocks have an Id; below 64 MiB either every block has one or none`,
      );
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
      `${HEADER_FILE} is not valid JSON (${clause(safeMessage(messageOf(e), 300))}); the drive header is damaged — run "haul verify" or prepare the drive again.`,
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

const builder = /* @__PURE__ */ new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const ESCAPED = /[&<>"']/;
const esc = (v: string): string => (ESCAPED.test(v) ? v.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!) : v);

/** `s1/photos/a.jpg` → `\s1\photos\a.jpg`: the manifest's paths are relative to the drive root, Windows style. */
export const toManifestPath = (p: string): string => `\\${p.replaceAll('/', '\\')}`;

/** The session a blob belongs to: the first folder of its path on the drive. */
export const sessionOf = (filePath: string): string => {
  const slash = filePath.indexOf('/');
  return slash < 0 ? filePath : filePath.slice(0, slash);
};

function sidecarXml(tag: 'MetadataPath' | 'PropertiesPath', s: ManifestSidecar | undefined, indent: string): string {
  return s ? `${indent}<${tag} Hash="${s.hash}">${esc(toManifestPath(s.path))}</${tag}>\n` : '';
}

const manifestHead = driveManifest.pick({ version: true, driveId: true });

/**
 * DriveManifest.xml: one BlobList per copy session (the first folder of the blobs' paths), each
 * Blob's elements in the order the format fixes. The shape is fixed, so it is written directly (a
 * drive can list a million blobs: a generic XML builder took ~20 µs per blob); parseDriveManifest
 * reads it back.
 */
export function serializeDriveManifest(m: DriveManifest): string {
  return [...driveManifestPieces(m)].join('');
}

/**
 * The same bytes as serializeDriveManifest, a blob at a time (each checked as it comes), so that a
 * writer of a big manifest can hash and write it as it goes and give its thread a turn in between.
 * `checked`: the caller vouches that every blob passed `manifestBlob` already and is handed on as
 * that check left it (the prep engine's, whose journal checks each file's entry when the record is
 * appended and when it is read back, and parseDriveManifest checks every blob it reads), so it is not
 * checked a second time: 3-4 µs a blob, on the engine's thread after the copy.
 */
export function* driveManifestPieces(m: DriveManifest, opts: { checked?: boolean } = {}): Generator<string> {
  const head = manifestHead.parse(m);
  yield '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<DriveManifest Version="${esc(head.version)}">\n` +
    '  <Drive>\n' +
    `    <DriveId>${esc(head.driveId)}</DriveId>\n`;
  const lists = new Map<string, ManifestBlob[]>();
  for (const [i, b] of m.blobs.entries()) {
    const s = sessionOf(b.filePath);
    const l = lists.get(s);
    if (l) l.push(b);
    else lists.set(s, [b]);
    // an empty piece now and then: a caller that gives its thread a turn between pieces can here too
    if ((i & 1023) === 1023) yield '';
  }
  for (const blobs of lists.values()) {
    for (const [i, b] of blobs.entries()) {
      const xml = blobXml(opts.checked ? b : manifestBlob.parse(b));
      yield `${i === 0 ? '    <BlobList>\n' : ''}${xml}${i === blobs.length - 1 ? '    </BlobList>\n' : ''}`;
    }
  }
  yield '  </Drive>\n</DriveManifest>\n';
}

function blobXml(b: ManifestBlob): string {
  const [list, entry] = b.blobType === 'PageBlob' ? ['PageRangeList', 'PageRange'] : ['BlockList', 'Block'];
  let x =
    '      <Blob>\n' +
    `        <BlobPath>${esc(b.blobPath)}</BlobPath>\n` +
    `        <FilePath>${esc(toManifestPath(b.filePath))}</FilePath>\n`;
  if (b.clientData !== undefined) x += `        <ClientData>${esc(b.clientData)}</ClientData>\n`;
  if (b.snapshot !== undefined) x += `        <Snapshot>${esc(b.snapshot)}</Snapshot>\n`;
  x +=
    `        <Length>${b.length}</Length>\n` +
    `        <ImportDisposition>${b.importDisposition}</ImportDisposition>\n`;
  if (!b.blocks.length) x += `        <${list}/>\n`;
  else {
    x += `        <${list}>\n`;
    for (const k of b.blocks) {
      const id = k.id === undefined ? '' : ` Id="${k.id}"`;
      x += `          <${entry} Offset="${k.offset}" Length="${k.length}"${id} Hash="${k.hash}"/>\n`;
    }
    x += `        </${list}>\n`;
  }
  return (
    x +
    sidecarXml('MetadataPath', b.metadata, '        ') +
    sidecarXml('PropertiesPath', b.properties, '        ') +
    '      </Blob>\n'
  );
}

// ---------------------------------------------------------------------------------------------
// Reading DriveManifest.xml: exactly the elements of the 2014-11-01 format, in its order. Anything
// else is refused with a sentence that names the element and where it is, because the real data
// center refuses such a drive and the sandbox must not accept what it would not.

const orderedParser = /* @__PURE__ */ new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});

/** One element as the ordered parser gives it. */
interface El {
  name: string;
  children: unknown[];
  attrs: Record<string, string>;
}

const bad = (what: string, file: string = MANIFEST_FILE): Error => new Error(`${file}: ${what}`);
const REDO = 'Prepare the drive again with "haul prep" (or fix the manifest by hand).';

/** The child elements of a node; text between elements is refused. */
function elements(children: unknown[], where: string, file?: string): El[] {
  const out: El[] = [];
  for (const c of children) {
    if (!isNode(c)) continue;
    const attrs = isNode(c[':@']) ? (c[':@'] as Record<string, string>) : {};
    const names = Object.keys(c).filter((k) => k !== ':@');
    for (const name of names) {
      if (name === '#text') throw bad(`${where} holds text ${quoted(String(c[name]), 40)} between its elements.`, file);
      out.push({ name, children: Array.isArray(c[name]) ? (c[name] as unknown[]) : [], attrs });
    }
  }
  return out;
}

/** Refuses attributes the format does not give this element. */
function onlyAttrs(el: El, allowed: readonly string[], where: string, file?: string): void {
  for (const a of Object.keys(el.attrs))
    if (!allowed.includes(a))
      throw bad(
        `<${el.name}> in ${where} has an attribute ${a}, which the format does not have${allowed.length ? ` (it allows ${allowed.join(', ')})` : ''}.`,
        file,
      );
}

/** The text of an element that holds only text ('' when empty). */
function textOf(el: El, where: string, file?: string): string {
  onlyAttrs(el, [], where, file);
  let t = '';
  for (const c of el.children) {
    if (!isNode(c)) continue;
    for (const k of Object.keys(c)) {
      if (k === '#text') t += String(c[k]);
      else if (k !== ':@') throw bad(`<${el.name}> in ${where} must hold text, not a <${k}> element.`, file);
    }
  }
  return t;
}

interface Slot {
  names: readonly string[];
  min: number;
  max: number;
}

const NOT_IN_FORMAT: Record<string, string> = {
  BlobType: 'a blob is a block blob when it has a <BlockList> and a page blob when it has a <PageRangeList>',
};

/**
 * Checks that `els` follow `slots` in order (each slot `min` to `max` times) and groups them by
 * slot. Names an unknown element, one out of order, one repeated, and one missing.
 */
function sequence(els: El[], slots: readonly Slot[], parent: string, where: string): El[][] {
  const got: El[][] = slots.map(() => []);
  const order = slots.map((s) => s.names.map((n) => `<${n}>`).join(' or ')).join(', ');
  let at = 0;
  for (const el of els) {
    const k = slots.findIndex((s) => s.names.includes(el.name));
    if (k < 0) {
      const why = NOT_IN_FORMAT[el.name] ?? `the 2014-11-01 format allows only ${order} there`;
      throw bad(`${where} has an element <${el.name}>, which is not part of the format: ${why}. ${REDO}`);
    }
    if (k < at)
      throw bad(
        `<${el.name}> in ${where} comes after <${els[els.indexOf(el) - 1]!.name}>; the format fixes the order in <${parent}>: ${order}. ${REDO}`,
      );
    at = k;
    const slot = slots[k]!;
    got[k]!.push(el);
    if (got[k]!.length > slot.max)
      throw bad(`${where} has more than one ${slot.names.map((n) => `<${n}>`).join(' or ')}.`);
  }
  for (const [k, s] of slots.entries())
    if (got[k]!.length < s.min) throw bad(`${s.names.map((n) => `<${n}>`).join(' or ')} is missing in ${where}.`);
  return got;
}

/**
 * Parses with the ordered parser. A document type declaration is refused, as the real service's
 * reader does: its entities could expand a small file without bound.
 */
function parseOrdered(xml: string, file: string): unknown[] {
  if (/<!DOCTYPE/i.test(xml)) throw new Error(`${file} has a <!DOCTYPE> declaration, which is not allowed.`);
  let doc: unknown;
  try {
    doc = orderedParser.parse(xml, true);
  } catch (e) {
    throw new Error(`${file} is not well-formed XML: ${safeMessage(messageOf(e), 300)}`);
  }
  return Array.isArray(doc) ? doc : [];
}

function int(value: string, what: string): number {
  if (!/^\d+$/.test(value))
    throw new Error(`DriveManifest.xml: ${what} is ${quoted(value, 40)}, expected a whole number of bytes.`);
  const n = Number(value);
  if (!Number.isSafeInteger(n))
    throw new Error(`DriveManifest.xml: ${what} is too large (${value.length} digits; at most 16 fit).`);
  return n;
}

/** `\s1\photos\a.jpg` → `s1/photos/a.jpg`; refuses `/` separators and paths not from the drive root. */
function fromManifestPath(el: El, where: string): string {
  const raw = textOf(el, where);
  const w = `<${el.name}> ${quoted(raw)} in ${where}`;
  if (!raw) throw bad(`<${el.name}> in ${where} is empty.`);
  if (raw.includes('/'))
    throw bad(`${w} uses "/"; the format writes paths with "\\" separators, e.g. \\folder\\file. ${REDO}`);
  if (!raw.startsWith('\\'))
    throw bad(
      `${w} does not start with "\\"; the format's paths are relative to the drive root, e.g. \\folder\\file. ${REDO}`,
    );
  const parts = raw.slice(1).split('\\');
  if (parts.some((p) => p === '' || p === '.' || p === '..'))
    throw bad(`${w} has an empty, "." or ".." part; a path must name a file on the drive. ${REDO}`);
  return parts.join('/');
}

const HASH = /^[0-9A-F]{32}$/;

function hashAttr(el: El, ew: string): string {
  const hash = el.attrs.Hash;
  if (hash === undefined)
    throw bad(
      `attribute Hash (the MD5 of the data, Base16) is missing on ${ew}; the data center cannot check it. ${REDO}`,
    );
  if (!HASH.test(hash)) throw bad(`Hash=${quoted(hash, 40)} on ${ew} is not an MD5 in Base16 upper case.`);
  return hash;
}

function sidecar(el: El | undefined, where: string): ManifestSidecar | undefined {
  if (!el) return undefined;
  onlyAttrs(el, ['Hash'], where);
  const hash = hashAttr(el, `<${el.name}> in ${where}`);
  return { path: fromManifestPath({ ...el, attrs: {} }, where), hash };
}

const BLOB_SLOTS: readonly Slot[] = [
  { names: ['BlobPath'], min: 1, max: 1 },
  { names: ['FilePath'], min: 1, max: 1 },
  { names: ['ClientData'], min: 0, max: 1 },
  { names: ['Snapshot'], min: 0, max: 1 },
  { names: ['Length'], min: 1, max: 1 },
  { names: ['ImportDisposition'], min: 0, max: 1 },
  { names: ['BlockList', 'PageRangeList'], min: 1, max: 1 },
  { names: ['MetadataPath'], min: 0, max: 1 },
  { names: ['PropertiesPath'], min: 0, max: 1 },
];

function readBlob(
  el: El,
  where: string,
  defaults: { metadata?: ManifestSidecar; properties?: ManifestSidecar },
): ManifestBlob {
  onlyAttrs(el, [], where);
  const [bp, fp, cd, snap, len, disp, list, meta, props] = sequence(
    elements(el.children, where),
    BLOB_SLOTS,
    'Blob',
    where,
  ).map((g) => g[0]);
  const blobPath = textOf(bp!, where);
  if (!blobPath) throw bad(`<BlobPath> in ${where} is empty.`);
  const w = `${where} (${blobPath})`;
  const filePath = fromManifestPath(fp!, w);
  const length = int(textOf(len!, w), `<Length> in ${w}`);
  const dispText = disp ? textOf(disp, w) : 'rename';
  const d = importDisposition.safeParse(dispText);
  if (!d.success)
    throw bad(`<ImportDisposition> in ${w} is ${quoted(dispText, 40)}; it must be ${DISPOSITIONS_IN_WORDS}.`);
  const type: BlobType = list!.name === 'PageRangeList' ? 'PageBlob' : 'BlockBlob';
  onlyAttrs(list!, [], w);
  const entryTag = type === 'PageBlob' ? 'PageRange' : 'Block';
  const entries = elements(list!.children, `<${list!.name}> of ${w}`);
  const blocks: ManifestBlock[] = entries.map((re, j) => {
    const ew = `<${entryTag}> #${j + 1} of ${w}`;
    if (re.name !== entryTag)
      throw bad(`<${list!.name}> of ${w} holds a <${re.name}>; it may hold only <${entryTag}> elements.`);
    if (re.children.length) throw bad(`${ew} must be empty (its data is in its attributes).`);
    onlyAttrs(re, type === 'PageBlob' ? ['Offset', 'Length', 'Hash'] : ['Offset', 'Length', 'Id', 'Hash'], w);
    const need = (name: string): string => {
      const v = re.attrs[name];
      if (v === undefined) throw bad(`attribute ${name} is missing on ${ew}.`);
      return v;
    };
    const hash = hashAttr(re, ew);
    const blk: ManifestBlock = {
      offset: int(need('Offset'), `Offset on ${ew}`),
      length: int(need('Length'), `Length on ${ew}`),
      hash,
    };
    if (re.attrs.Id !== undefined) blk.id = re.attrs.Id;
    return blk;
  });
  const blob: z.input<typeof manifestBlob> = {
    blobPath,
    filePath,
    length,
    importDisposition: d.data,
    blobType: type,
    blocks,
  };
  if (cd) blob.clientData = textOf(cd, w);
  if (snap) blob.snapshot = textOf(snap, w);
  const metadata = sidecar(meta, w) ?? defaults.metadata;
  const properties = sidecar(props, w) ?? defaults.properties;
  if (metadata) blob.metadata = metadata;
  if (properties) blob.properties = properties;
  const r = manifestBlob.safeParse(blob);
  if (!r.success) throw bad(`${w}: ${describeIssues(r.error)}`);
  return r.data;
}

const DRIVE_SLOTS: readonly Slot[] = [
  { names: ['DriveId'], min: 1, max: 1 },
  // The credential the format allows; Haul never writes one (a drive travels, a key must not).
  { names: ['StorageAccountKey', 'ContainerSas'], min: 0, max: 1 },
  { names: ['ClientCreator'], min: 0, max: 1 },
  { names: ['BlobList'], min: 0, max: Infinity },
];

const LIST_SLOTS: readonly Slot[] = [
  { names: ['MetadataPath'], min: 0, max: 1 },
  { names: ['PropertiesPath'], min: 0, max: 1 },
  { names: ['Blob'], min: 0, max: Infinity },
];

/** Parses DriveManifest.xml; throws an Error naming the element at fault and where it is. */
export function parseDriveManifest(xml: string): DriveManifest {
  const top = elements(parseOrdered(xml, MANIFEST_FILE), 'the file');
  const root = top.find((e) => e.name === 'DriveManifest');
  if (!root) throw bad('the root element <DriveManifest> is missing.');
  if (top.length > 1)
    throw bad(`<${top.find((e) => e !== root)!.name}> stands beside <DriveManifest>; the file has one root.`);
  onlyAttrs(root, ['Version'], 'the file');
  const version = root.attrs.Version;
  if (version !== MANIFEST_VERSION)
    throw bad(
      `<DriveManifest Version=${quoted(version ?? '', 40)}> is not supported; expected Version="${MANIFEST_VERSION}".`,
    );
  const [drive] = sequence(
    elements(root.children, '<DriveManifest>'),
    [{ names: ['Drive'], min: 1, max: 1 }],
    'DriveManifest',
    '<DriveManifest>',
  )[0]!;
  onlyAttrs(drive!, [], '<DriveManifest>');
  const [ids, , , lists] = sequence(elements(drive!.children, '<Drive>'), DRIVE_SLOTS, 'Drive', '<Drive>');
  const driveId = textOf(ids![0]!, '<Drive>');
  if (!driveId) throw bad('<DriveId> is empty.');
  const blobs: ManifestBlob[] = [];
  for (const [li, list] of lists!.entries()) {
    const lw = `<BlobList> #${li + 1}`;
    onlyAttrs(list, [], '<Drive>');
    const [meta, props, items] = sequence(elements(list.children, lw), LIST_SLOTS, 'BlobList', lw);
    const defaults: { metadata?: ManifestSidecar; properties?: ManifestSidecar } = {};
    const m = sidecar(meta![0], lw);
    const p = sidecar(props![0], lw);
    if (m) defaults.metadata = m;
    if (p) defaults.properties = p;
    for (const [bi, b] of items!.entries()) blobs.push(readBlob(b, `<Blob> #${bi + 1} of ${lw}`, defaults));
  }
  return { version: MANIFEST_VERSION, driveId, blobs };
}

const parser = /* @__PURE__ */ new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
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

// ---------------------------------------------------------------------------------------------
// The metadata and properties files a blob names (MetadataPath, PropertiesPath; the MetadataFile
// and PropertiesFile columns of dataset.csv):
//   <Metadata><name>value</name>…</Metadata>
//   <Properties><Content-Type>…</Content-Type> <Content-MD5>…</Content-MD5> <Content-Encoding>…
//     <Content-Language>…</Content-Language> <Cache-Control>…</Cache-Control></Properties>

/** A metadata or properties file larger than this is refused before it is read. */
export const SIDECAR_MAX_BYTES = 64 * 1024;
/** Storage's limit for all of a blob's metadata names and values together. */
export const METADATA_MAX_BYTES = 8 * 1024;

/** The properties a properties file may set on an imported blob. */
export const IMPORT_PROPERTIES = [
  'Content-Type',
  'Content-MD5',
  'Content-Encoding',
  'Content-Language',
  'Cache-Control',
] as const;
export type ImportProperty = (typeof IMPORT_PROPERTIES)[number];
/** Properties storage sets itself: the format writes them only into the files of an export drive. */
const EXPORT_ONLY_PROPERTIES = ['Last-Modified', 'Etag', 'Content-Length'];

/** A header value storage accepts: printable ASCII. */
const HEADER_VALUE = /^[\x20-\x7e]*$/;

function sidecarRoot(xml: string, file: string, rootName: string): El[] {
  const top = elements(parseOrdered(xml, file), 'the file', file);
  if (top.length !== 1 || top[0]!.name !== rootName)
    throw new Error(
      `${file} must have one root element <${rootName}>; it has ${top.map((e) => `<${e.name}>`).join(', ') || 'none'}.`,
    );
  if (Object.keys(top[0]!.attrs).length) throw new Error(`${file}: <${rootName}> takes no attributes.`);
  return elements(top[0]!.children, `<${rootName}>`, file);
}

function headerValue(el: El, file: string, rootName: string): string {
  const v = textOf(el, `<${rootName}>`, file);
  if (!HEADER_VALUE.test(v))
    throw new Error(
      `${file}: the value of <${el.name}> holds a character storage does not accept in a header (only printable ASCII).`,
    );
  return v;
}

/** Parses a metadata file; errors name the file (as given) and the element. */
export function parseMetadataFile(xml: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  let bytes = 0;
  for (const el of sidecarRoot(xml, file, 'Metadata')) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(el.name))
      throw new Error(
        `${file}: metadata name <${el.name}> is not allowed; a name starts with a letter or "_" and holds only letters, digits and "_".`,
      );
    const key = el.name.toLowerCase();
    if (seen.has(key))
      throw new Error(`${file}: metadata name <${el.name}> is given twice (names are not case-sensitive).`);
    seen.add(key);
    const v = headerValue(el, file, 'Metadata');
    bytes += el.name.length + v.length;
    out[el.name] = v;
  }
  if (bytes > METADATA_MAX_BYTES)
    throw new Error(
      `${file}: the metadata names and values add up to ${bytes} bytes; storage allows ${METADATA_MAX_BYTES}.`,
    );
  return out;
}

/** Parses a properties file (the properties an import may set); errors name the file and the element. */
export function parsePropertiesFile(xml: string, file: string): Partial<Record<ImportProperty, string>> {
  const out: Partial<Record<ImportProperty, string>> = {};
  for (const el of sidecarRoot(xml, file, 'Properties')) {
    if (EXPORT_ONLY_PROPERTIES.includes(el.name))
      throw new Error(
        `${file}: <${el.name}> is set by storage and appears only in the files of an export drive; remove it.`,
      );
    const name = IMPORT_PROPERTIES.find((p) => p === el.name);
    if (!name)
      throw new Error(
        `${file}: <${el.name}> is not a blob property a properties file may set (${IMPORT_PROPERTIES.join(', ')}).`,
      );
    if (out[name] !== undefined) throw new Error(`${file}: <${name}> is given twice.`);
    const v = headerValue(el, file, 'Properties');
    if (name === 'Content-MD5' && !/^[A-Za-z0-9+/]{22}==$/.test(v))
      throw new Error(
        `${file}: <Content-MD5> ${quoted(v, 40)} is not an MD5 in Base64 (24 characters ending in "==").`,
      );
    out[name] = v;
  }
  return out;
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
