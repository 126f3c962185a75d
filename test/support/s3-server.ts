import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * A local S3-protocol server (s3rver: objects as files in a directory) with one bucket. It
 * speaks the S3 REST API the SDK uses (path-style); it does not prove anything about a cloud
 * provider's consistency, multipart limits, storage classes, encryption at rest, IAM policies,
 * checksums computed server-side, or throttling (README, "Copies elsewhere").
 */
export interface S3Server {
  readonly endpoint: string;
  readonly bucket: string;
  /** Credentials s3rver accepts; the SDK reads them from the environment. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'aidb-copies'): Promise<S3Server> {
  const dir = await mkdtemp(join(tmpdir(), 'aidb-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory: dir, silent: true });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${String(port)}`;
  const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    endpoint,
    bucket,
    env,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
