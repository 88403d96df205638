/**
 * Reads the regular files of a tar archive (ustar, with PAX and GNU long
 * names), enough for OPA bundles. Pure: bytes in, files out.
 */
const BLOCK = 512;

export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  for (;;) {
    if (offset + BLOCK > archive.length) {
      throw new Error('tar: the archive is truncated (no end-of-archive marker)');
    }
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) {
      break;
    }
    verifyChecksum(header, offset);
    const size = parseOctal(header.subarray(124, 136), offset);
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > archive.length) {
      throw new Error(`tar: entry at byte ${offset} runs past the end of the archive`);
    }
    const data = archive.subarray(dataStart, dataEnd);
    const name = longName ?? headerName(header);
    longName = undefined;
    if (type === 'x') {
      longName = paxPath(data);
    } else if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
    } else if (type === '0' || type === '\0') {
      files.set(normalize(name), Buffer.from(data));
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

function headerName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const magic = cString(header.subarray(257, 263));
  const prefix = magic.startsWith('ustar') ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function paxPath(data: Buffer): string | undefined {
  let rest = data.toString('utf8');
  while (rest.length > 0) {
    const space = rest.indexOf(' ');
    const length = Number(rest.slice(0, space));
    if (space <= 0 || !Number.isInteger(length) || length <= 0) {
      throw new Error('tar: malformed PAX header');
    }
    const record = rest.slice(space + 1, length - 1);
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') {
      return record.slice(equals + 1);
    }
    rest = rest.slice(length);
  }
  return undefined;
}

function verifyChecksum(header: Buffer, offset: number): void {
  const expected = parseOctal(header.subarray(148, 156), offset);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) {
    sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
  }
  if (sum !== expected) {
    throw new Error(`tar: bad header checksum at byte ${offset}`);
  }
}

function parseOctal(field: Buffer, offset: number): number {
  const text = cString(field).trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new Error(`tar: bad number in header at byte ${offset}`);
  }
  return text === '' ? 0 : parseInt(text, 8);
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function normalize(name: string): string {
  return '/' + name.replace(/^(\.\/|\/)+/, '');
}
