/** The client's local file of a multipart upload (its name is appended to the artifact path): checked only. */
import { requireSafeUploadFileName } from '../artifact-path.js';
import { expandingKind } from './kind.js';

export const uploadFileName = expandingKind('upload_file_name', 'file', requireSafeUploadFileName, () => []);
