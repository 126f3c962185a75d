import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partSizeFor } from '../../../backups/copies/s3-multipart.ts';
import { s3Store } from '../../../backups/copies/s3-store.ts';
import { syncCopy } from '../../../backups/copies/sync.ts';
import { baseManifest } from '../../support/base-manifest.ts';
import { startS3Server, type S3Server } from '../../support/s3-server.ts';
import { scratchDir } from './fixtures.ts';

const mib = 1024 * 1024;

/**
 * A pass-through HTTP proxy in front of s3rver that records each request's method and path, so
 * the test sees which S3 operations the upload used (s3rver's ETags do not show parts).
 */
async function recordingProxy(target: string, seen: string[]): Promise<Server> {
  const upstream = new URL(target);
  const proxy = createServer((incoming, outgoing) => {
    seen.push(`${incoming.method ?? ''} ${incoming.url ?? ''}`);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return proxy;
}

describe('S3 copies upload large files in parts (s3rver)', () => {
  let s3: S3Server;
  let client: S3Client;
  let proxy: Server;
  const seen: string[] = [];

  beforeAll(async () => {
    s3 = await startS3Server();
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: s3.env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: s3.env.AWS_SECRET_ACCESS_KEY ?? '',
      },
    });
    Object.assign(process.env, s3.env);
    proxy = await recordingProxy(s3.endpoint, seen);
  }, 60_000);

  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => proxy.close(resolve));
    await s3.close();
  });

  const etagOf = async (key: string): Promise<string> =>
    (await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).ETag ?? '';

  it('sends a file above the part size in parts, read back with its SHA-256, and a small one in one PUT', async () => {
    const repository = await scratchDir('s3-multipart');
    await mkdir(repository, { recursive: true });
    // 12 MiB and a bit in 5 MiB parts: three parts, the last one short.
    const data = randomBytes(12 * mib + 123);
    const stored = {
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
    const manifest = baseManifest({
      startedAt: '2026-12-01T02:00:00.000Z',
      stopSegment: 2,
      stored,
    });
    const [part] = manifest.parts;
    if (part === undefined) throw new Error('fixture');
    await writeFile(join(repository, part.file), data);
    await writeFile(join(repository, `${manifest.id}.manifest.json`), JSON.stringify(manifest));
    const store = s3Store({
      name: 'offsite',
      bucket: s3.bucket,
      prefix: 'big/',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${String((proxy.address() as AddressInfo).port)}`,
      forcePathStyle: true,
      partSizeMib: 5,
    });
    const copied = await syncCopy(repository, store, new AbortController().signal);
    expect(copied).toEqual([part.file, `${manifest.id}.manifest.json`]);
    const object = `/${s3.bucket}/big/${part.file}`;
    const uploads = seen.filter((line) => !line.startsWith('GET'));
    expect(uploads.map((line) => line.replace(/uploadId=[^&]+/, 'uploadId=ID'))).toEqual([
      `POST ${object}?uploads=`,
      `PUT ${object}?partNumber=1&uploadId=ID&x-id=UploadPart`,
      `PUT ${object}?partNumber=2&uploadId=ID&x-id=UploadPart`,
      `PUT ${object}?partNumber=3&uploadId=ID&x-id=UploadPart`,
      `POST ${object}?uploadId=ID`,
      `PUT /${s3.bucket}/big/${manifest.id}.manifest.json?x-id=PutObject`,
    ]);
    // s3rver gives a completed upload the plain MD5 of the whole, where S3 appends -<parts>.
    expect(await etagOf(`big/${part.file}`)).toBe(
      `"${createHash('md5').update(data).digest('hex')}"`,
    );
    expect((await store.list()).get(part.file)).toBe(data.length);
  }, 60_000);

  it('raises the part size when a file would need more than S3’s 10,000 parts', () => {
    expect(partSizeFor(100 * mib, 5 * mib)).toBe(5 * mib);
    expect(partSizeFor(1024 * 1024 * mib, 64 * mib)).toBe(Math.ceil((1024 * 1024 * mib) / 10_000));
  });
});
