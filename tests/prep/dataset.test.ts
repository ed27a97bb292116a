import { describe, expect, it } from 'vitest';
import { CsvError, parseDataset, parseDriveset } from '../../shared/formats/dataset';

const H = 'BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile\n';
const D = 'DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey\n';
const KEY = '060456-014509-132033-080300-252615-584177-672089-411631';

describe('dataset.csv', () => {
  it('reads folders (trailing separator, recursive) and single files, with defaults and None', () => {
    const rows = parseDataset(
      `${H}"/data/photos/",photos/2024,BlockBlob,rename,None,None\n/data/disk.vhd,vhds/disk.vhd,PageBlob,overwrite,"None",\n"C:\\\\data\\\\",docs/,BlockBlob,no-overwrite,/m.xml,None\n`,
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      row: 2,
      basePath: '/data/photos/',
      isFolder: true,
      destination: 'photos/2024/',
      blobType: 'BlockBlob',
      disposition: 'rename',
    });
    expect(rows[0]!.metadataFile).toBeUndefined();
    expect(rows[1]).toMatchObject({
      row: 3,
      isFolder: false,
      destination: 'vhds/disk.vhd',
      blobType: 'PageBlob',
      disposition: 'overwrite',
    });
    expect(rows[2]).toMatchObject({ isFolder: true, metadataFile: '/m.xml' });
  });

  it('reads BlobType and Disposition in any case, in the manifest spelling', () => {
    const rows = parseDataset(`${H}/a/,photos/,blockblob,Overwrite,,\n/b.vhd,vhds/b.vhd,PAGEBLOB,NO-OVERWRITE,,\n`);
    expect(rows.map((r) => [r.blobType, r.disposition])).toEqual([
      ['BlockBlob', 'overwrite'],
      ['PageBlob', 'no-overwrite'],
    ]);
  });

  it('leaves a BasePath without a separator to pre-flight, which asks the file system whether it is a folder', () => {
    const rows = parseDataset(`${H}/data/photos,photos/,BlockBlob,rename,,\n/data/more,archive,BlockBlob,rename,,\n`);
    expect(rows.map((r) => [r.isFolder, r.destination])).toEqual([
      [false, 'photos/'],
      [false, 'archive'],
    ]);
  });

  it('names the row and column of each mistake', () => {
    const bad = (body: string) => {
      try {
        parseDataset(`${H}${body}`);
      } catch (e) {
        return (e as CsvError).message;
      }
      return 'no error';
    };
    expect(bad('/a/,photos/,BlockBlob,rename,None,None\n/b/,photos/,Blob,rename,None,None\n')).toMatch(
      /row 3, column BlobType: "Blob" is not a blob type/,
    );
    expect(bad('/a/,photos/,BlockBlob,replace,None,None\n')).toMatch(/row 2, column Disposition/);
    expect(bad(',photos/,BlockBlob,rename,None,None\n')).toMatch(/row 2, column BasePath/);
    expect(bad('/a/,photos/,BlockBlob,rename,None,None,extra\n')).toMatch(/row 2: the row has 7 cells/);
    expect(() => parseDataset('BasePath,Dst\n/a/,b/\n')).toThrow(
      /row 1, column DstBlobPathOrPrefix: the header has no column/,
    );
    expect(() => parseDataset(`${H}"/a/,photos/,BlockBlob\n`)).toThrow(/not valid CSV/);
    expect(() => parseDataset(H)).toThrow(/lists no files/);
  });
});

describe('driveset.csv', () => {
  it('reads mount paths and keeps the BitLocker key', () => {
    const rows = parseDriveset(
      `${D}/mnt/d1,AlreadyFormatted,SilentMode,AlreadyEncrypted,${KEY}\n/mnt/d2,AlreadyFormatted,SilentMode,None,\n`,
    );
    expect(rows[0]).toMatchObject({ row: 2, target: '/mnt/d1', encryption: 'AlreadyEncrypted', bitLockerKey: KEY });
    expect(rows[1]).toMatchObject({ row: 3, target: '/mnt/d2', encryption: 'None' });
    expect(rows[1]!.bitLockerKey).toBeUndefined();
  });
  it('names the row and column of each mistake', () => {
    expect(() => parseDriveset(`${D}/mnt/d1,Formatted,SilentMode,None,\n`)).toThrow(/row 2, column FormatOption/);
    expect(() => parseDriveset(`${D}/mnt/d1,AlreadyFormatted,SilentMode,AlreadyEncrypted,\n`)).toThrow(
      /row 2, column ExistingBitLockerKey: .*no BitLocker key/,
    );
    expect(() => parseDriveset(`${D}/mnt/d1,AlreadyFormatted,SilentMode,AlreadyEncrypted,1234\n`)).toThrow(
      /row 2, column ExistingBitLockerKey: the BitLocker key is not/,
    );
    expect(() => parseDriveset(`${D}/mnt/d1,AlreadyFormatted,Loud,None,\n`)).toThrow(
      /row 2, column SilentOrPromptOnFormat/,
    );
    expect(() =>
      parseDriveset(`${D}/mnt/d1,AlreadyFormatted,SilentMode,None,\n/mnt/d1,AlreadyFormatted,SilentMode,None,\n`),
    ).toThrow(/row 3, column DriveLetter: "\/mnt\/d1" is already listed on row 2/);
  });
  it('never puts the BitLocker key in an error message', () => {
    try {
      parseDriveset(`${D}/mnt/d1,Bogus,SilentMode,AlreadyEncrypted,${KEY}\n`);
    } catch (e) {
      expect((e as Error).message).not.toContain(KEY);
      return;
    }
    throw new Error('expected an error');
  });
});
