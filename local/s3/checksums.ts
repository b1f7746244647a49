import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

/** The flexible checksum algorithms S3 takes, as named in `x-amz-checksum-<algorithm>`. */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** A checksum an object carries: the algorithm and its base64 value. */
export interface Checksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly value: string;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const uint32 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
};

/**
 * The base64 checksum of `data`, or undefined for CRC64NVME, which the local cloud stores as sent
 * without checking (Node has no implementation and the SDKs compute it themselves).
 */
export function computeChecksum(algorithm: ChecksumAlgorithm, data: Buffer): string | undefined {
  switch (algorithm) {
    case 'crc32':
      return uint32(zlib.crc32(data));
    case 'crc32c':
      return uint32(crc32c(data));
    case 'sha1':
      return createHash('sha1').update(data).digest('base64');
    case 'sha256':
      return createHash('sha256').update(data).digest('base64');
    case 'crc64nvme':
      return undefined;
  }
}

/** The spelling S3's BadDigest message uses for an algorithm ("The CRC32 you specified ..."). */
export const checksumDisplayName = (algorithm: ChecksumAlgorithm) => algorithm.toUpperCase();
