// Constants of the prepared-drive format that code on hot paths (the copy worker) needs without
// loading the manifest parser. shared/formats/driveManifest.ts re-exports them (docs/formats.md).

/**
 * Blocks are 4 MiB, the longest block or page range the manifest format allows; a blob's last block
 * is shorter.
 */
export const BLOCK_SIZE = 4 * 1024 * 1024;
