/**
 * A pass-through stream that counts the bytes of a streamed upload and fails once they exceed a limit, so an
 * upload can be cut while it is streamed, without buffering it: chunks are passed on as they come, with the
 * usual back-pressure.
 */
import { Transform, type TransformCallback } from 'node:stream';

export class ByteLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`the streamed body is larger than ${limit} bytes`);
    this.name = 'ByteLimitExceeded';
  }
}

export class ByteLimit extends Transform {
  #seen = 0;

  constructor(readonly limit: number) {
    super();
  }

  /** Bytes passed through so far. */
  get seen(): number {
    return this.#seen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.limit) {
      callback(new ByteLimitExceeded(this.limit));
      return;
    }
    callback(null, chunk);
  }
}
