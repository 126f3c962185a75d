/** A minimal ustar writer for test fixtures (regular files only). */

const block = 512;

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(block);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(0, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

export function tarArchive(files: readonly { name: string; content: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(header(file.name, file.content.length), file.content);
    const pad = (block - (file.content.length % block)) % block;
    parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * block));
  return Buffer.concat(parts);
}

/** The files of an archive written by `tarArchive`. */
export function readTarArchive(archive: Buffer): { name: string; content: Buffer }[] {
  const files: { name: string; content: Buffer }[] = [];
  let offset = 0;
  while (offset + block <= archive.length) {
    const h = archive.subarray(offset, offset + block);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(h.subarray(124, 136).toString('latin1'), 8);
    offset += block;
    files.push({ name, content: Buffer.from(archive.subarray(offset, offset + size)) });
    offset += Math.ceil(size / block) * block;
  }
  return files;
}
