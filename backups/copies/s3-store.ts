/**
 * A copy in S3-compatible object storage through the AWS SDK. Credentials come from the SDK's
 * own chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a web identity, an instance role): never
 * from aidb's configuration. A file up to the part size goes in one PUT, a larger one in parts
 * (s3-multipart.ts); either way it is there whole or not at all.
 */
import { createReadStream } from 'node:fs';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { uploadInParts } from './s3-multipart.ts';
import type { CopyStore } from './store.ts';

const mib = 1024 * 1024;

export interface S3StoreOptions {
  readonly name: string;
  readonly bucket: string;
  /** Key prefix, `aidb/` or empty. */
  readonly prefix: string;
  readonly region: string;
  /** For S3-compatible services (and the tests' local server); AWS itself needs none. */
  readonly endpoint?: string | undefined;
  readonly forcePathStyle: boolean;
  /** Files larger than this go up in parts of this size. */
  readonly partSizeMib: number;
}

export function s3Store(options: S3StoreOptions): CopyStore {
  const client = new S3Client({
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          // The SDK's default sends bodies aws-chunked with a trailing CRC; S3-compatible
          // servers that do not know that encoding store the chunk framing as the object
          // (seen with s3rver: the read-back SHA-256 differed). aidb verifies by reading back.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }),
  });
  const { bucket, prefix } = options;
  return {
    name: options.name,
    description: `s3://${bucket}/${prefix}`,
    async list() {
      const out = new Map<string, number>();
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) out.set(object.Key.slice(prefix.length), object.Size ?? 0);
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return out;
    },
    async put(key, localPath, bytes, signal) {
      const partSize = options.partSizeMib * mib;
      if (bytes > partSize) {
        await uploadInParts(client, {
          bucket,
          key: `${prefix}${key}`,
          path: localPath,
          bytes,
          partSize,
          signal,
        });
        return;
      }
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}${key}`,
          Body: createReadStream(localPath),
          ContentLength: bytes,
        }),
        { abortSignal: signal },
      );
    },
    async get(key, signal) {
      const response = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }),
        { abortSignal: signal },
      );
      return response.Body as Readable;
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }));
    },
  };
}
