/**
 * A bundle polled from an HTTP(S) URL, as OPA's bundle protocol does: GET with If-None-Match (the ETag of the
 * bundle activated from it), 304 keeps the current bundle, 200 brings a new one. Each poll has a timeout and a
 * download cap (policy.max_bundle_bytes); polls are spaced by the interval with jitter.
 */
import { unpackBundle } from '../bundle.js';
import { redactUri } from '../../util/redact-uri.js';
import { classifyAnswer, conditionalHeaders, pollDelay } from './etag.js';
import type { BundleSink, BundleSource } from './types.js';

export interface HttpSourceOptions {
  readonly url: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly sink: BundleSink;
}

export interface HttpBundleSource extends BundleSource {
  /** One poll now; resolves when its bundle (if any) was activated or refused. */
  poll(): Promise<void>;
}

export function createHttpSource(options: HttpSourceOptions): HttpBundleSource {
  const description = redactUri(options.url);
  const { url, authorization } = splitCredentials(options.url);
  let activeEtag: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const poll = async (): Promise<void> => {
    let archive: Buffer;
    let etag: string | null;
    try {
      const response = await fetch(url, {
        headers: {
          accept: 'application/gzip, application/octet-stream',
          ...(authorization === undefined ? {} : { authorization }),
          ...conditionalHeaders(activeEtag),
        },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const answer = classifyAnswer(response.status, response.headers.get('etag'), activeEtag);
      if (answer.kind !== 'bundle') {
        await response.body?.cancel();
        if (answer.kind === 'error') {
          throw new Error(answer.reason);
        }
        return;
      }
      etag = answer.etag;
      archive = await readCapped(response, options.maxBytes);
    } catch (error) {
      options.sink.fail(
        new Error(`Cannot download the policy bundle ${description}: ${(error as Error).message}`),
        description,
      );
      return;
    }
    let files: Map<string, Buffer>;
    try {
      files = unpackBundle(archive, description, options.maxBytes);
    } catch (error) {
      options.sink.fail(error, description);
      return;
    }
    if (await options.sink.offer(files, description)) {
      activeEtag = etag;
    }
  };

  const next = (): void => {
    if (!running) return;
    timer = setTimeout(() => {
      void poll().finally(next);
    }, pollDelay(options.intervalMs));
    timer.unref();
  };

  return {
    description,
    poll,
    start() {
      if (running) return;
      running = true;
      next();
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}

/**
 * A URL's user and password (https://user:secret@host/...) sent as HTTP Basic instead: fetch refuses URLs that
 * carry credentials.
 */
function splitCredentials(value: string): { url: string; authorization?: string } {
  const url = new URL(value);
  if (url.username === '' && url.password === '') {
    return { url: value };
  }
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization: 'Basic ' + Buffer.from(pair).toString('base64') };
}

/** The body, refused as soon as it passes `maxBytes` (a Content-Length above it is refused before reading). */
async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const tooLarge = (): Error => new Error(`it is larger than ${maxBytes} bytes (policy.max_bundle_bytes)`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (response.body === null) {
    return Buffer.alloc(0);
  }
  for await (const chunk of response.body) {
    total += (chunk as Uint8Array).length;
    if (total > maxBytes) {
      throw tooLarge();
    }
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}
