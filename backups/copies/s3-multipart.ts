/**
 * Uploads a large local file to S3 in parts (CreateMultipartUpload, UploadPart…, Complete), as
 * one PUT is capped at 5 GiB and a base backup can be larger. Parts go one at a time, each read
 * from its range of the file, so memory stays flat; the object appears only at Complete, whole,
 * and a failure aborts the upload so no parts are left billed.
 */
import { createReadStream } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3's limits: at most 10,000 parts, each but the last at least 5 MiB. */
const maxParts = 10_000;

/** The part size to use: the configured one, raised when the file would need too many parts. */
export function partSizeFor(bytes: number, configured: number): number {
  return Math.max(configured, Math.ceil(bytes / maxParts));
}

export async function uploadInParts(
  client: S3Client,
  options: {
    readonly bucket: string;
    readonly key: string;
    readonly path: string;
    readonly bytes: number;
    readonly partSize: number;
    readonly signal: AbortSignal;
  },
): Promise<void> {
  const { bucket, key, path, bytes, signal } = options;
  const size = partSizeFor(bytes, options.partSize);
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    { abortSignal: signal },
  );
  if (UploadId === undefined) throw new Error(`s3: no upload id for ${key}`);
  try {
    const parts: { ETag: string | undefined; PartNumber: number }[] = [];
    for (let start = 0, number = 1; start < bytes; start += size, number += 1) {
      const end = Math.min(bytes, start + size);
      const { ETag } = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: number,
          Body: createReadStream(path, { start, end: end - 1 }),
          ContentLength: end - start,
        }),
        { abortSignal: signal },
      );
      parts.push({ ETag, PartNumber: number });
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
      { abortSignal: signal },
    );
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
      .catch(() => undefined);
    throw error;
  }
}
