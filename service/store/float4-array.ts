/**
 * PostgreSQL's binary wire format for a one-dimensional real[] (array_send): a 20-byte header
 * (ndim, has-nulls flag, element type OID 700 = float4, length, lower bound) then a 4-byte length
 * and a big-endian float per element. node-postgres sends a Buffer parameter in binary, so the
 * server reads floats directly; the text form costs ~1.3 ms per 384-d vector to parse in PGlite
 * (measured here: 1 495 ms vs 87 ms per 1 000 inserts).
 */
const float4Oid = 700;
const header = 20;

export function encodeFloat4Array(values: ArrayLike<number>): Buffer {
  const buffer = Buffer.allocUnsafe(header + values.length * 8);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(0, 4);
  buffer.writeUInt32BE(float4Oid, 8);
  buffer.writeInt32BE(values.length, 12);
  buffer.writeInt32BE(1, 16);
  let offset = header;
  for (let i = 0; i < values.length; i++) {
    buffer.writeInt32BE(4, offset);
    buffer.writeFloatBE(values[i] ?? 0, offset + 4);
    offset += 8;
  }
  return buffer;
}
